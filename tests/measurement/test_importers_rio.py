"""Importing exportRIO.xml: domains per organisation, joined on TOOI."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from measurement.importers.records import DomainRegistration, ImportRejected, InvalidRow
from measurement.importers.rio_xml import latest_registration, parse_rio_xml
from measurement.models import Domain, Organisation, Source

DATA = Path(__file__).parent.parent / "data" / "registers"
SAMPLE = DATA / "exportRIO.xml"
TOOI = "https://identifier.overheid.nl/tooi/id/"


def run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("nl"):
        call_command("import_organisations", *args, stdout=out)
    return out.getvalue()


def variant(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "exportRIO.xml"
    text = SAMPLE.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_the_parser_yields_every_registration_normalised_with_its_dates():
    with SAMPLE.open("rb") as stream:
        records = list(parse_rio_xml(stream))
    assert [r.domain for r in records] == [
        "voorbeeldstad.nl",
        "mijn-voorbeeldstad.nl",
        "voorbeeldstad-oud.nl",
        "minbzk.nl",
        "voorbeeldregister.nl",
    ]
    old = records[2]
    assert old.tooi == f"{TOOI}gemeente/gm9991"
    assert old.registered_on == datetime.date(1999, 1, 1)
    assert old.cancelled_on == datetime.date(2020, 5, 1)


def test_an_invalid_domain_is_an_invalid_row_naming_organisation_and_value(tmp_path):
    path = variant(tmp_path, "<p:naam>minbzk.nl</p:naam>", "<p:naam>min_bzk..nl</p:naam>")
    with path.open("rb") as stream:
        invalid = [r for r in parse_rio_xml(stream) if isinstance(r, InvalidRow)]
    assert len(invalid) == 1
    assert "organisatie 2002" in invalid[0].where and "min_bzk..nl" in invalid[0].where


def test_an_exportoo_file_is_not_taken_for_rio():
    with (DATA / "exportOO.xml").open("rb") as stream, pytest.raises(ImportRejected) as excinfo:
        list(parse_rio_xml(stream))
    assert "--format oo-xml" in str(excinfo.value)


def test_of_a_domain_registered_twice_the_registration_in_force_wins():
    def registration(cancelled_on):
        return DomainRegistration("x", "t", "n", "Gemeente", "", "1", "a.nl", None, cancelled_on)

    cancelled = registration(datetime.date(2020, 1, 1))
    current = registration(None)
    assert latest_registration(cancelled, current) is current
    assert latest_registration(current, cancelled) is current


@pytest.mark.django_db
def test_rio_domains_join_the_organisations_of_exportoo_on_tooi():
    run("--format", "oo-xml", str(DATA / "exportOO.xml"))
    organisations = Organisation.objects.count()
    output = run("--format", "rio-xml", str(SAMPLE))
    bzk = Organisation.objects.get(tooi=f"{TOOI}ministerie/mnre1034")
    assert list(bzk.domains.values_list("name", "source")) == [("minbzk.nl", Source.RIO)]
    city = Organisation.objects.get(tooi=f"{TOOI}gemeente/gm9991")
    assert set(city.domains.active().values_list("name", flat=True)) == {
        "voorbeeldstad.nl",
        "mijn-voorbeeldstad.nl",
    }
    # The website guess is confirmed by RIO and takes RIO as its source.
    assert Domain.objects.get(name="voorbeeldstad.nl").source == Source.RIO
    # One organisation is only in RIO and is created from RIO's own fields.
    assert Organisation.objects.count() == organisations + 1
    assert "Organisaties: 1 nieuw, 0 gewijzigd, 2 ongewijzigd" in output
    assert "Domeinen: 4 nieuw, 1 gewijzigd, 0 ongewijzigd, 1 beëindigd" in output


@pytest.mark.django_db
def test_a_cancelled_registration_is_kept_inactive_with_its_date():
    run("--format", "rio-xml", str(SAMPLE))
    old = Domain.objects.get(name="voorbeeldstad-oud.nl")
    assert not old.is_active
    assert old.removed_on == datetime.date(2020, 5, 1)
    assert old.added_on == datetime.date(1999, 1, 1)


@pytest.mark.django_db
def test_a_registration_cancelled_later_ends_the_domain_without_deleting_it(tmp_path):
    run("--format", "rio-xml", str(SAMPLE))
    cancelled = variant(
        tmp_path,
        "<p:geregistreerdSinds>1998-02-02</p:geregistreerdSinds>",
        "<p:geregistreerdSinds>1998-02-02</p:geregistreerdSinds>\n"
        "        <p:opgezegdSinds>2025-12-31</p:opgezegdSinds>",
    )
    output = run("--format", "rio-xml", str(cancelled))
    domain = Domain.objects.get(name="minbzk.nl")
    assert (domain.is_active, domain.removed_on) == (False, datetime.date(2025, 12, 31))
    assert "Domeinen: 0 nieuw, 1 gewijzigd, 4 ongewijzigd, 1 beëindigd" in output


@pytest.mark.django_db
def test_a_rio_organisation_unknown_to_the_database_is_created_with_its_sector():
    run("--format", "rio-xml", str(SAMPLE))
    created = Organisation.objects.get(tooi=f"{TOOI}oorg/oorg90070")
    assert (created.name, created.source, created.sector) == (
        "Stichting Voorbeeldregister",
        Source.RIO,
        "semi_publiek",
    )
    assert Organisation.objects.get(tooi=f"{TOOI}ministerie/mnre1034").sector == "rijk"


@pytest.mark.django_db
def test_a_rio_re_import_changes_nothing_and_says_so():
    run("--format", "rio-xml", str(SAMPLE))
    output = run("--format", "rio-xml", str(SAMPLE))
    assert "Domeinen: 0 nieuw, 0 gewijzigd, 5 ongewijzigd, 0 beëindigd" in output
    assert "Niets gewijzigd" in output


@pytest.mark.django_db
def test_rio_does_not_move_a_domain_a_person_assigned_elsewhere():
    other = Organisation.objects.create(name="Handmatig", sector="rijk", source="manual", slug="h")
    Domain.objects.create(name="minbzk.nl", organisation=other, source=Source.MANUAL)
    output = run("--format", "rio-xml", str(SAMPLE))
    assert Domain.objects.get(name="minbzk.nl").organisation == other
    assert "Overgeslagen: 1" in output and "minbzk.nl" in output


@pytest.mark.django_db
def test_an_invalid_rio_domain_refuses_the_file_and_imports_nothing(tmp_path):
    path = variant(tmp_path, "<p:naam>minbzk.nl</p:naam>", "<p:naam>-minbzk.nl</p:naam>")
    with pytest.raises(CommandError, match="organisatie 2002"):
        run("--format", "rio-xml", str(path))
    assert not Domain.objects.exists() and not Organisation.objects.exists()
