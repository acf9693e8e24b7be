"""The scheduled RIO import: bad rows are skipped and reported, never block the import."""

import logging
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from measurement.importers.scheduled import scheduled_import
from measurement.models import Domain, ImportRun
from measurement.tasks import scheduled_register_import

FIXTURES = Path(__file__).parent.parent / "fixtures" / "registers"
RIO = FIXTURES / "exportRIO-url-domains.xml"

pytestmark = pytest.mark.django_db


def test_the_scheduled_import_skips_bad_rows_imports_the_rest_and_logs_them(caplog):
    with caplog.at_level(logging.WARNING, logger="measurement.importers.scheduled"):
        run = scheduled_import("rio-xml", str(RIO))
    assert run.succeeded and run.finished_at is not None
    assert set(Domain.objects.values_list("name", flat=True)) == {
        "zorgindeurne.nl",  # written as https://zorgindeurne.nl/ in the register
        "zorg-deurne.nl",
        "waterschapgoed.nl",
    }
    assert run.skipped_count == 2
    assert {(row["kind"], "Stichting Zonder TOOI" in row["where"]) for row in run.skipped} == {
        ("organisation", True),
        ("domain", False),
    }
    logged = [r.getMessage() for r in caplog.records]
    assert any("Stichting Zonder TOOI" in message for message in logged)
    assert any("https://a.nl/ https://b.nl/" in message for message in logged)


def test_a_manual_import_of_the_same_file_stays_strict():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("import_organisations", "--format", "rio-xml", str(RIO))
    assert not Domain.objects.exists()


def test_a_refused_file_is_recorded_as_a_failed_run(tmp_path):
    path = tmp_path / "exportRIO.xml"
    path.write_text("<html>niet het register</html>", encoding="utf-8")
    run = scheduled_import("rio-xml", str(path))
    assert not run.succeeded
    assert "Dit is geen exportRIO.xml" in run.error


def test_the_task_imports_from_the_configured_source(settings):
    settings.RIO_IMPORT_URL = str(RIO)
    scheduled_register_import.apply()
    assert ImportRun.objects.get().source == str(RIO)
    assert Domain.objects.filter(name="waterschapgoed.nl").exists()


def test_staff_see_each_run_and_its_skipped_rows_in_the_admin(client):
    run = scheduled_import("rio-xml", str(RIO))
    client.force_login(User.objects.create_superuser("beheer", "b@example.nl", "geheim-1234"))
    listed = client.get(reverse("admin:measurement_importrun_changelist"))
    assert listed.status_code == 200 and "rio-xml" in listed.text
    shown = client.get(reverse("admin:measurement_importrun_change", args=[run.pk]))
    assert shown.status_code == 200 and "Stichting Zonder TOOI" in shown.text


def test_a_csv_with_only_its_header_is_a_failed_run_that_changes_nothing(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("organisation,sector,domain\n", encoding="utf-8")
    run = scheduled_import("csv", str(path))
    assert not run.succeeded
    assert "geen enkele organisatie" in run.error
    assert not Domain.objects.exists()
