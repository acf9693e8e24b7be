"""Importing the organisation CSV: columns by name, BOM, ';' or ',', atomic per file."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from measurement.importers.csv_file import parse_csv
from measurement.importers.records import CsvRow, ImportRejected, InvalidRow
from measurement.models import Domain, Organisation, Source

DATA = Path(__file__).parent.parent / "data" / "registers"


def run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("nl"):
        call_command("import_organisations", *args, stdout=out)
    return out.getvalue()


def rows(content: bytes) -> list[CsvRow | InvalidRow]:
    return list(parse_csv(io.BytesIO(content)))


def test_a_semicolon_file_with_a_bom_and_dutch_headers_is_read():
    parsed = rows((DATA / "organisations-bom-semicolon.csv").read_bytes())
    assert parsed == [
        CsvRow("regel 2", "Gemeente Puntkomma", "gemeente", "puntkomma.nl"),
        CsvRow("regel 3", "Provincie Puntkomma", "provincie", "puntkomma-provincie.nl"),
    ]


def test_columns_are_matched_by_name_in_any_order_and_domains_normalised():
    parsed = rows("Domain,TOOI,Sector,Organisation\r\nBÜCHER.nl.,,Rijk,Agentschap X\r\n".encode())
    assert parsed == [CsvRow("regel 2", "Agentschap X", "rijk", "xn--bcher-kva.nl", None)]


def test_a_quoted_comma_stays_inside_the_organisation_name():
    parsed = rows((DATA / "organisations.csv").read_bytes())
    assert parsed[3].organisation == "Veiligheidsregio Csv, Noord"


def test_a_bad_domain_is_an_invalid_row_naming_its_line():
    parsed = rows((DATA / "bad-domain-line7.csv").read_bytes())
    (invalid,) = [r for r in parsed if isinstance(r, InvalidRow)]
    assert invalid.where == "regel 7"
    assert "zes..nl" in invalid.reason


def test_an_unknown_sector_is_an_invalid_row():
    (row,) = rows(b"organisation,sector,domain\nX,bedrijfsleven,x.nl\n")
    assert isinstance(row, InvalidRow) and "bedrijfsleven" in row.reason


def test_a_missing_header_column_refuses_the_file():
    with pytest.raises(ImportRejected, match="domain"):
        rows(b"organisation,sector\nX,rijk\n")


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(ImportRejected, match="UTF-8"):
        rows("organisation,sector,domain\nGemeente Súdwest,gemeente,x.nl\n".encode("latin-1"))


@pytest.mark.django_db
def test_the_csv_creates_organisations_with_their_domains():
    output = run("--format", "csv", str(DATA / "organisations.csv"))
    assert "Organisaties: 4 nieuw" in output
    assert "Domeinen: 5 nieuw" in output
    city = Organisation.objects.get(tooi="https://identifier.overheid.nl/tooi/id/gemeente/gm9981")
    assert (city.sector, city.source) == ("gemeente", Source.CSV)
    assert set(city.domains.values_list("name", flat=True)) == {"csvstad.nl", "mail.csvstad.nl"}
    assert Domain.objects.get(name="xn--bcher-csv-q9a.nl").organisation.sector == "rijk"


@pytest.mark.django_db
def test_a_bom_and_semicolon_csv_imports_through_the_command():
    run("--format", "csv", str(DATA / "organisations-bom-semicolon.csv"))
    assert Domain.objects.get(name="puntkomma.nl").organisation.name == "Gemeente Puntkomma"


@pytest.mark.django_db
def test_a_bad_domain_on_line_7_names_line_7_and_imports_nothing():
    with pytest.raises(CommandError) as excinfo:
        run("--format", "csv", str(DATA / "bad-domain-line7.csv"))
    assert "regel 7" in str(excinfo.value)
    assert "zes..nl" in str(excinfo.value)
    assert not Organisation.objects.exists()
    assert not Domain.objects.exists()


@pytest.mark.django_db
def test_skip_invalid_imports_the_other_rows_and_lists_the_skipped_line():
    output = run("--format", "csv", "--skip-invalid", str(DATA / "bad-domain-line7.csv"))
    assert "Overgeslagen: 1" in output
    assert "regel 7: domein:" in output
    assert Domain.objects.count() == 6
    assert not Organisation.objects.filter(name="Gemeente Zes").exists()


@pytest.mark.django_db
def test_a_csv_re_import_changes_nothing_and_says_so():
    run("--format", "csv", str(DATA / "organisations.csv"))
    output = run("--format", "csv", str(DATA / "organisations.csv"))
    assert "Organisaties: 0 nieuw, 0 gewijzigd, 4 ongewijzigd, 0 beëindigd" in output
    assert "Domeinen: 0 nieuw, 0 gewijzigd, 5 ongewijzigd, 0 beëindigd" in output
    assert "Niets gewijzigd" in output


@pytest.mark.django_db
def test_a_csv_row_joins_an_organisation_from_the_register_by_name(tmp_path):
    run("--format", "oo-xml", str(DATA / "exportOO.xml"))
    run("--format", "csv", str(DATA / "organisations-bom-semicolon.csv"))
    output = run(
        "--format", "csv", "--skip-invalid", str(write_csv(tmp_path, "Logius;rijk;logius-mail.nl"))
    )
    logius = Organisation.objects.get(name="Logius")
    assert "logius-mail.nl" in set(logius.domains.values_list("name", flat=True))
    assert logius.source == Source.ROO
    assert "Organisaties: 0 nieuw, 0 gewijzigd, 1 ongewijzigd" in output


@pytest.mark.django_db
def test_a_csv_does_not_move_a_registered_domain_of_another_organisation(tmp_path):
    run("--format", "oo-xml", str(DATA / "exportOO.xml"))
    run("--format", "rio-xml", str(DATA / "exportRIO.xml"))
    with pytest.raises(CommandError, match="regel 2: domein minbzk.nl hoort al bij Binnenl"):
        run("--format", "csv", str(write_csv(tmp_path, "Kiesraad;rijk;minbzk.nl")))
    assert Domain.objects.get(name="minbzk.nl").organisation.register_id == "2002"


@pytest.mark.django_db
def test_a_name_shared_by_two_organisations_in_one_sector_needs_a_tooi(tmp_path):
    run("--format", "oo-xml", str(DATA / "exportOO.xml"))
    Organisation.objects.create(name="Logius", sector="rijk", source="manual", slug="logius-2")
    with pytest.raises(CommandError, match="regel 2: 2 organisaties heten 'Logius'"):
        run("--format", "csv", str(write_csv(tmp_path, "Logius;rijk;logius-mail.nl")))


def write_csv(directory: Path, *lines: str) -> Path:
    path = directory / "rows.csv"
    path.write_text("organisatie;sector;domein\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_csv_takes_a_domain_over_from_a_website_guess(tmp_path):
    run("--format", "oo-xml", str(DATA / "exportOO.xml"))
    output = run("--format", "csv", str(write_csv(tmp_path, "Kiesraad;rijk;samenvoeging.nl")))
    domain = Domain.objects.get(name="samenvoeging.nl")
    assert (domain.organisation.name, domain.source) == ("Kiesraad", Source.CSV)
    assert "Domeinen: 0 nieuw, 1 gewijzigd" in output
