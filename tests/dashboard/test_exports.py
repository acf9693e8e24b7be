"""Exports read back with csv.reader: columns, round metadata, formula injection, Excel variant."""

import csv
import io

from django.urls import reverse

from dashboard.export_format import header, neutralise
from dashboard.exports import DOMAIN_COLUMNS as DOMAIN_SPEC
from dashboard.exports import ORGANISATION_COLUMNS as ORGANISATION_SPEC
from dashboard.exports import SECTOR_COLUMNS as SECTOR_SPEC

DOMAIN_COLUMNS = header(DOMAIN_SPEC)
ORGANISATION_COLUMNS = header(ORGANISATION_SPEC)
SECTOR_COLUMNS = header(SECTOR_SPEC)


def read(response, delimiter=","):
    body = b"".join(response.streaming_content).decode("utf-8")
    bom = body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").splitlines(keepends=True)
    comments = [line.strip() for line in lines if line.startswith("#")]
    rows = list(
        csv.reader((line for line in lines if not line.startswith("#")), delimiter=delimiter)
    )
    return bom, comments, rows


def test_the_round_export_lists_every_domain_with_its_verdicts_and_mx_hosts(client, cast):
    response = client.get(reverse("exports:scan_csv", args=[cast.round.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    bom, comments, rows = read(response)
    assert not bom
    assert rows[0] == list(DOMAIN_COLUMNS)
    by_domain = {
        row[DOMAIN_COLUMNS.index("domain")]: dict(zip(DOMAIN_COLUMNS, row, strict=True))
        for row in rows[1:]
    }
    assert set(by_domain) == {
        "veiligstad.nl",
        "alleenstarttls.nl",
        "onbereikbaar.nl",
        "script.example.nl",
    }
    secure = by_domain["veiligstad.nl"]
    assert secure["dane"] == "pass" and secure["starttls_dane"] == "pass"
    assert secure["mx_hosts"] == "10 mx1.veiligstad.nl"
    assert secure["scan_name"] == "Nulmeting 2026"
    assert by_domain["onbereikbaar.nl"]["starttls"] == "not_testable"
    assert "dane: tlsa_missing" in by_domain["alleenstarttls.nl"]["reasons"]


def test_the_round_export_carries_its_checksum_and_methodology_version(client, cast):
    response = client.get(reverse("exports:scan_csv", args=[cast.round.pk]))
    _bom, comments, _rows = read(response)
    assert f"# checksum: {'ab' * 32}" in comments
    assert "# methodology_version: 1.0" in comments
    assert response["X-Checksum"] == "ab" * 32
    assert response["X-Methodology-Version"] == "1.0"


def test_cells_that_start_a_formula_are_neutralised(client, cast):
    response = client.get(reverse("exports:scan_csv", args=[cast.round.pk]))
    _bom, _comments, rows = read(response)
    reasons = [row[DOMAIN_COLUMNS.index("reasons")] for row in rows[1:]]
    assert any("=cmd" in cell for cell in reasons)
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_neutralise_prefixes_every_dangerous_first_character():
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(value) == "'" + value
    assert neutralise("veilig.nl") == "veilig.nl"
    assert neutralise(None) == ""


def test_the_excel_variant_uses_semicolons_and_a_byte_order_mark(client, cast):
    response = client.get(reverse("exports:scan_csv", args=[cast.round.pk]), {"sep": "semicolon"})
    bom, _comments, rows = read(response, delimiter=";")
    assert bom
    assert rows[0] == list(DOMAIN_COLUMNS)
    assert len(rows) == 5


def test_the_domain_export_follows_the_filters_of_the_view(client, cast):
    response = client.get(reverse("exports:domains_csv"), {"organisation": cast.secure.slug})
    _bom, _comments, rows = read(response)
    assert [row[DOMAIN_COLUMNS.index("domain")] for row in rows[1:]] == ["veiligstad.nl"]
    assert rows[1][0] == str(cast.latest.pk)
    response = client.get(reverse("exports:domains_csv"), {"sector": "waterschap"})
    _bom, _comments, rows = read(response)
    assert [row[DOMAIN_COLUMNS.index("domain")] for row in rows[1:]] == ["onbereikbaar.nl"]


def test_the_organisation_export_counts_domains_per_standard(client, cast):
    response = client.get(reverse("exports:organisations_csv"), {"scan": cast.latest.pk})
    _bom, _comments, rows = read(response)
    assert rows[0] == list(ORGANISATION_COLUMNS)
    by_slug = {row[3]: dict(zip(ORGANISATION_COLUMNS, row, strict=True)) for row in rows[1:]}
    secure = by_slug[cast.secure.slug]
    assert secure["dane_passed"] == "1" and secure["dane_measured"] == "1"
    assert secure["dane_status"] == "pass"
    assert by_slug[cast.unreachable.slug]["starttls_status"] == "not_testable"
    # A hostile organisation name survives as text, and is never a formula.
    assert by_slug[cast.hostile.slug]["organisation"].startswith("<script>")


def test_the_sector_export_has_a_row_per_sector_and_check(client, cast):
    response = client.get(
        reverse("exports:sectors_csv"), {"scan": cast.latest.pk, "sep": "semicolon"}
    )
    _bom, _comments, rows = read(response, delimiter=";")
    assert rows[0] == list(SECTOR_COLUMNS)
    gemeente_dane = [r for r in rows[1:] if r[3] == "gemeente" and r[4] == "dane"]
    assert len(gemeente_dane) == 1
    assert gemeente_dane[0][5] == "1"  # passed
    assert gemeente_dane[0][10] == "100,0"  # percentage, decimal comma in the Excel variant


def test_an_unfinished_or_unknown_scan_cannot_be_exported(client, cast):
    assert client.get(reverse("exports:scan_csv", args=[999999])).status_code == 404


def test_the_round_export_is_also_available_as_xlsx(client, cast):
    from openpyxl import load_workbook

    response = client.get(reverse("exports:scan_xlsx", args=[cast.round.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook["domeinen"].iter_rows(values_only=True))
    assert list(rows[0]) == list(DOMAIN_COLUMNS)
    assert len(rows) == 5
    about = {row[0]: row[1] for row in workbook["meting"].iter_rows(values_only=True)}
    assert about["checksum"] == "ab" * 32
