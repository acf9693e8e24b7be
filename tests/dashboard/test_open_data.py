"""The downloads read as a stranger reads them: Python's csv, pandas, Dutch Excel's
semicolon variant and openpyxl, on a round with hostile names and real TOOI identifiers,
and the round checksum recomputed from the downloaded file with the recipe of
docs/rounds.md alone."""

import csv
import datetime
import io
import itertools
import re
from pathlib import Path

import pandas
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from dashboard.export_format import neutralise
from measurement.models import Domain, DomainResult, Organisation, Outcome, Scan, Sector
from measurement.scan import door, store

ROUND_NAME = 'Meting 2027, definitief "echt"\n# =SUM(A1)'
# (name, sector, TOOI identifier of the real organisation, domain)
HOSTILE = [
    ('=HYPERLINK("http://x"), Gemeente "Amsterdam"', Sector.GEMEENTE,
     "https://identifier.overheid.nl/tooi/id/gemeente/gm0363", "amsterdam.nl"),
    ("# Gemeente Utrecht\n# met een regel erbij", Sector.GEMEENTE,
     "https://identifier.overheid.nl/tooi/id/gemeente/gm0344", "utrecht.nl"),
    ('+31 Provincie; "Utrecht"', Sector.PROVINCIE,
     "https://identifier.overheid.nl/tooi/id/provincie/pv26", "provincie-utrecht.nl"),
    ("@Ministerie van BZK, #1\r\nregel twee", Sector.RIJK,
     "https://identifier.overheid.nl/tooi/id/ministerie/mnre1034", "minbzk.nl"),
    ("-Stichting zonder TOOI", Sector.SEMI_PUBLIEK, None, "stichting.example.nl"),
]  # fmt: skip
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def hostile_round(db) -> Scan:
    """A round of organisations with hostile names, frozen by the door's own finish."""
    created = timezone.now() - datetime.timedelta(days=1)
    scan = Scan.objects.create(
        kind=Scan.Kind.ROUND, name=ROUND_NAME, status=Scan.Status.RUNNING,
        methodology_version="1.0", scanner_version="test", created_at=created,
        started_at=created, domains_total=len(HOSTILE), domains_done=len(HOSTILE),
    )  # fmt: skip
    for index, (name, sector, tooi, domain_name) in enumerate(HOSTILE):
        org = Organisation.objects.create(
            name=name, sector=sector, tooi=tooi, source="manual", slug=f"org-{index}"
        )
        domain = Domain.objects.create(name=domain_name, organisation=org, source="manual")
        verdict = Outcome.PASS if index % 2 else Outcome.FAIL
        DomainResult.objects.create(
            scan=scan, domain=domain, domain_name=domain_name, organisation=org,
            sector=sector, methodology_version="1.0", judged_at=created, mx=Outcome.PASS,
            dnssec=verdict, starttls=Outcome.PASS, dane=verdict, dane_end_to_end=verdict,
            dane_rollover=Outcome.FAIL, starttls_dane=verdict, mta_sts=Outcome.NOT_APPLICABLE,
            mta_sts_mode="testing" if index == 2 else "", tls_rpt=Outcome.NOT_TESTABLE,
            reasons={"dane": ["tlsa_missing"]} if verdict == Outcome.FAIL else {},
            evidence={"mx": [{"preference": 10, "host": f"mx.{domain_name}"}]},
        )  # fmt: skip
    return door.finish(scan.pk)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _download(client, scan: Scan, tmp_path: Path, variant: str = "") -> Path:
    params = {"sep": variant} if variant else {}
    response = client.get(f"/export/meting/{scan.pk}.csv", params)
    assert response.status_code == 200
    path = tmp_path / f"meting-{scan.pk}{variant}.csv"
    path.write_bytes(_body(response))
    return path


def test_python_csv_pandas_and_dutch_excel_read_the_same_rows(client, hostile_round, tmp_path):
    expected = {neutralise(name) for name, *_rest in HOSTILE}
    comma = _download(client, hostile_round, tmp_path)
    semicolon = _download(client, hostile_round, tmp_path, "semicolon")

    with comma.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(itertools.dropwhile(lambda x: x.startswith("#"), file)))
    assert {row["organisation"] for row in rows} == expected
    assert {row["scan_name"] for row in rows} == {neutralise(ROUND_NAME)}

    frame = pandas.read_csv(comma, comment="#", dtype={"organisation_tooi": str})
    assert set(frame["organisation"]) == expected
    assert list(frame.columns) == list(rows[0])
    assert frame["scan_id"].tolist() == [hostile_round.pk] * len(HOSTILE)

    # Dutch Excel: semicolons, a byte order mark, the metadata lines as the first rows.
    assert semicolon.read_bytes().startswith(b"\xef\xbb\xbf# scan_id: ")
    with semicolon.open(encoding="utf-8-sig", newline="") as file:
        excel = list(csv.reader(file, delimiter=";"))
    metadata = list(itertools.takewhile(lambda row: row[0].startswith("#"), excel))
    assert all(len(row) == 1 for row in metadata)  # each metadata line stays one cell
    table = excel[len(metadata) :]
    assert table[0] == list(rows[0])
    assert [dict(zip(table[0], row, strict=True)) for row in table[1:]] == rows
    dutch = pandas.read_csv(semicolon, comment="#", sep=";", encoding="utf-8-sig")
    assert set(dutch["organisation"]) == expected


def test_metadata_lines_are_plain_text_that_names_cannot_reach(client, hostile_round, tmp_path):
    text = _download(client, hostile_round, tmp_path).read_bytes().decode("utf-8")
    metadata = [line for line in text.split("\r\n") if line.startswith("# ")][:6]
    assert [line.split(":")[0] for line in metadata] == [
        "# scan_id", "# scan_kind", "# scan_date", "# methodology_version", "# checksum",
        "# source",
    ]  # fmt: skip
    assert f"# checksum: {hostile_round.checksum}" in metadata
    for line in metadata:
        assert not re.search(r'[",;\n]', line)


def test_the_checksum_recomputes_from_the_download_with_the_documented_recipe(
    client, hostile_round, tmp_path
):
    path = _download(client, hostile_round, tmp_path)
    recipe = re.search(r"```python\n(.*?)```", (DOCS / "rounds.md").read_text(), re.S).group(1)
    namespace = {"path": str(path), "print": lambda *args: None}
    exec(recipe, namespace)  # the snippet a reader copies from docs/rounds.md, as it stands
    assert len(hostile_round.checksum) == 64
    assert namespace["checksum"] == hostile_round.checksum
    response = client.get(f"/export/meting/{hostile_round.pk}.csv")
    assert response["X-Checksum"] == hostile_round.checksum
    api = client.get(f"/api/v1/scans/{hostile_round.pk}/").json()
    assert api["checksum"] == hostile_round.checksum


def test_verify_round_accepts_the_download_and_refuses_a_changed_verdict(
    client, hostile_round, tmp_path
):
    for variant in ("", "semicolon"):
        path = _download(client, hostile_round, tmp_path, variant)
        out = io.StringIO()
        call_command("verify_round", str(path), stdout=out)
        assert out.getvalue().splitlines() == [hostile_round.checksum, "OK: the checksum matches"]
    text = path.read_text(encoding="utf-8-sig")
    forged = text.replace('"fail"', '"pass"', 1)
    assert forged != text
    path.write_text(forged, encoding="utf-8-sig")
    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("verify_round", str(path), stdout=io.StringIO())


def test_the_checksum_does_not_change_when_an_organisation_is_renamed(client, hostile_round):
    before = store.round_checksum(hostile_round)
    Organisation.objects.filter(slug="org-0").update(name="Gemeente Amsterdam")
    assert store.round_checksum(hostile_round) == before == hostile_round.checksum


def test_the_xlsx_has_numbers_dates_and_text_without_a_visible_apostrophe(client, hostile_round):
    from openpyxl import load_workbook

    response = client.get(f"/export/meting/{hostile_round.pk}.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["domeinen"]
    names = [cell.value for cell in sheet[1]]
    first = {name: cell for name, cell in zip(names, sheet[2], strict=True)}
    assert first["scan_id"].value == hostile_round.pk and first["scan_id"].data_type == "n"
    assert isinstance(first["scan_date"].value, datetime.datetime)
    assert first["scan_date"].is_date
    organisations = [row[names.index("organisation")] for row in sheet.iter_rows(min_row=2)]
    # XML stores a line break as LF, so a CR LF in a name reads back as LF (and only that).
    assert {cell.value for cell in organisations} == {
        name.replace("\r\n", "\n") for name, *_ in HOSTILE
    }
    for cell in organisations:
        assert cell.data_type == "s"  # text, never a formula
        assert cell.quotePrefix == cell.value.startswith(("=", "+", "-", "@"))
    about = {row[0].value: row[1] for row in workbook["meting"].iter_rows()}
    assert about["scan_name"].value == ROUND_NAME
    assert about["scan_id"].value == hostile_round.pk
    assert about["checksum"].value == hostile_round.checksum


def test_bad_download_filters_are_400_problems_like_the_api(client, hostile_round):
    for url, params in (
        ("/export/domeinen.csv", {"sector": "x"}),
        ("/export/domeinen.csv", {"scan": "abc"}),
        ("/export/organisaties.csv", {"scan": "-1"}),
        ("/export/sectoren.csv", {"sep": "tab"}),
        (f"/export/meting/{hostile_round.pk}.csv", {"sep": "pipe"}),
    ):
        response = client.get(url, params)
        assert response.status_code == 400, (url, params)
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 400
    for url, params in (
        ("/export/domeinen.csv", {"scan": "999999"}),
        ("/export/domeinen.csv", {"organisation": "nope"}),
        ("/export/meting/999999.xlsx", {}),
    ):
        assert client.get(url, params).status_code == 404


@pytest.mark.parametrize(
    ("licence", "uri"),
    [
        ("CC0-1.0", "http://creativecommons.org/publicdomain/zero/1.0/deed.nl"),
        ("CC-BY-4.0", "http://creativecommons.org/licenses/by/4.0/deed.nl"),
    ],
)
def test_each_round_has_a_dcat_record_with_licence_method_checksum_and_downloads(
    client, hostile_round, settings, licence, uri
):
    settings.OPEN_DATA_LICENCE = licence
    response = client.get(f"/export/meting/{hostile_round.pk}.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    record = response.json()
    assert record["@type"] == "dcat:Dataset"
    assert record["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert record["dct:license"] == {"@id": uri}
    assert record["owl:versionInfo"] == hostile_round.methodology_version
    assert record["adms:identifier"]["skos:notation"] == hostile_round.checksum
    assert record["dct:title"]["@value"].endswith(ROUND_NAME)
    downloads = [d["dcat:downloadURL"]["@id"] for d in record["dcat:distribution"]]
    assert len(downloads) == 3
    for distribution in record["dcat:distribution"]:
        assert distribution["dct:license"] == {"@id": uri}
    for url in downloads:
        answer = client.get(url.removeprefix("http://testserver"))
        assert answer.status_code == 200, url
        assert answer["X-Checksum"] == hostile_round.checksum
    catalogue = client.get("/export/catalogus.jsonld").json()
    assert [d["@id"] for d in catalogue["dcat:dataset"]] == [record["@id"]]


def test_only_finished_rounds_have_a_dcat_record(client, cast):
    assert client.get(f"/export/meting/{cast.latest.pk}.jsonld").status_code == 404
    assert client.get(f"/export/meting/{cast.round.pk}.jsonld").status_code == 200


def test_a_metadata_line_takes_an_ipv6_host_and_refuses_free_text():
    from dashboard.export_format import metadata_line

    assert metadata_line("source", "http://[::1]:8000/api/v1/scans/1/").startswith("# source: ")
    for text in ("Meting 2027, definitief", 'a "b"', "a;b", "a\nb"):
        with pytest.raises(ValueError):
            metadata_line("scan_name", text)
