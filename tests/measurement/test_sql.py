from types import SimpleNamespace

import pytest

from measurement.evaluate.evidence import storable
from measurement.models import Domain, DomainResult, Organisation, Scan
from measurement.scan.sql import encode_json, insert_rows, insert_selected, update_rows


def test_nul_characters_from_a_hostile_server_are_escaped_before_storage():
    value = {"transcript": ["S: \x00\x01garbage", "C: EHLO"], "n": 3}
    assert storable(value) == {"transcript": ["S: \\x00\x01garbage", "C: EHLO"], "n": 3}
    clean = "S: 220 ok"
    assert storable(clean) is clean  # nothing to escape: nothing copied


@pytest.mark.django_db
def test_update_rows_writes_every_field_of_every_row_including_json():
    scans = [Scan.objects.create(methodology_version="t", scanner_version="t") for _ in range(3)]
    for number, scan in enumerate(scans):
        scan.scope = {"number": number, "text": "S: \x00".replace("\x00", "\\x00")}
        scan.domains_total = number + 10
    assert update_rows(scans, ["scope", "domains_total"]) == 3
    stored = {s.pk: (s.scope["number"], s.domains_total) for s in Scan.objects.all()}
    assert stored == {s.pk: (n, n + 10) for n, s in enumerate(scans)}


@pytest.mark.django_db
def test_json_encoded_beforehand_is_stored_as_it_is_and_a_nul_is_escaped():
    scan = Scan.objects.create(methodology_version="t", scanner_version="t")
    scan.scope = encode_json({"transcript": ["S: \x00 hostile", "C: EHLO"], "n": 1})
    assert "\\u0000" not in scan.scope
    assert update_rows([scan], ["scope"]) == 1
    scan.refresh_from_db()
    assert scan.scope == {"transcript": ["S: \\x00 hostile", "C: EHLO"], "n": 1}


@pytest.mark.django_db
def test_insert_rows_writes_the_given_columns_and_every_other_default():
    scans = [Scan.objects.create(methodology_version="t", scanner_version="t") for _ in range(2)]
    written = insert_rows(
        Scan, ["methodology_version", "scanner_version", "name"],
        (("m", "s", f"ronde {n}") for n in range(205)),  # more than one statement's worth
    )  # fmt: skip
    assert written == 205
    new = Scan.objects.exclude(pk__in=[s.pk for s in scans]).order_by("name")
    assert sorted(s.name for s in new) == sorted(f"ronde {n}" for n in range(205))
    first = new[0]
    assert (first.kind, first.scope, first.domains_total) == (Scan.Kind.ON_DEMAND, {}, 0)


@pytest.mark.django_db
def test_insert_selected_copies_the_selected_rows_inside_the_database():
    rijk = Organisation.objects.create(name="Min", slug="min", sector="rijk", source="manual")
    gemeente = Organisation.objects.create(
        name="Gem", slug="gem", sector="gemeente", source="manual"
    )
    for name, organisation in [("a.nl", rijk), ("b.nl", gemeente), ("c.nl", rijk)]:
        Domain.objects.create(name=name, organisation=organisation, source="manual")
    scan = Scan.objects.create(methodology_version="t", scanner_version="t")
    query = Domain.objects.filter(organisation__sector="rijk").values_list(
        "pk", "name", "organisation_id", "organisation__sector"
    )

    written = insert_selected(
        DomainResult,
        ["domain", "domain_name", "organisation", "sector"],
        query,
        {"scan": scan.pk, "methodology_version": "m1"},
    )

    assert written == 2
    rows = DomainResult.objects.filter(scan=scan).order_by("domain_name")
    assert [(r.domain_name, r.organisation_id, r.sector) for r in rows] == [
        ("a.nl", rijk.pk, "rijk"),
        ("c.nl", rijk.pk, "rijk"),
    ]
    assert [(r.methodology_version, r.judged_at, r.evidence) for r in rows] == [
        ("m1", None, {})
    ] * 2


@pytest.mark.django_db
def test_update_rows_takes_plain_objects_when_told_the_model():
    scan = Scan.objects.create(methodology_version="t", scanner_version="t")
    row = SimpleNamespace(pk=scan.pk, name="Nulmeting", scope=encode_json({"sector": "rijk"}))
    assert update_rows([row], ["name", "scope"], model=Scan) == 1
    scan.refresh_from_db()
    assert (scan.name, scan.scope) == ("Nulmeting", {"sector": "rijk"})


@pytest.mark.django_db
def test_evidence_and_probe_json_are_compressed_with_lz4_on_postgresql():
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    applied = MigrationRecorder(connection).applied_migrations()
    assert ("measurement", "0005_lz4_evidence") in applied  # a no-op on SQLite
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attrelid::regclass::text, attcompression FROM pg_attribute "
                "WHERE (attrelid, attname) IN (('measurement_domainresult'::regclass, 'evidence'),"
                " ('measurement_hostresult'::regclass, 'observation'))"
            )
            assert dict(cursor.fetchall()) == {
                "measurement_domainresult": "l",
                "measurement_hostresult": "l",
            }
