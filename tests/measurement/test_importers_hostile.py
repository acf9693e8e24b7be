"""Imports against the real registers' shapes and hostile files (tests/fixtures/registers)."""

import io
import threading
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation

from measurement.importers import xml_stream
from measurement.importers.apply_oo import import_organisation_records
from measurement.importers.oo_xml import parse_oo_xml
from measurement.importers.records import ImportRejected
from measurement.importers.rio_xml import registered_name
from measurement.importers.sources import open_source
from measurement.models import Domain, Organisation

FIXTURES = Path(__file__).parent.parent / "fixtures" / "registers"
NAMESPACE = "https://organisaties.overheid.nl/static/schema/oo/export/2.6.13"
TOOI = "https://identifier.overheid.nl/tooi/id/"


def run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("nl"):
        call_command("import_organisations", *args, stdout=out)
    return out.getvalue()


def _records(path: Path, parse=parse_oo_xml) -> list:
    with path.open("rb") as stream:
        return list(parse(stream))


# The real shapes


@pytest.mark.django_db
@pytest.mark.parametrize("skip_invalid", [[], ["--skip-invalid"]])
def test_a_2_4_export_is_refused_naming_its_schema_version(skip_invalid):
    with pytest.raises(CommandError) as refused:
        run("--format", "oo-xml", *skip_invalid, str(FIXTURES / "exportOO-2.4.7.xml"))
    assert "schemaversie 2.4.7" in str(refused.value)
    assert "niet ondersteund" in str(refused.value)
    assert not Organisation.objects.exists()


def test_a_tooi_that_stands_only_in_the_identification_codes_is_read_there():
    by_id = {r.register_id: r for r in _records(FIXTURES / "exportOO-2.6-variants.xml")}
    assert by_id["7001"].tooi == f"{TOOI}oorg/oorg70001"
    assert by_id["7100"].tooi == f"{TOOI}ministerie/mnre7100"  # the attribute still wins


@pytest.mark.django_db
def test_a_later_rio_import_finds_the_organisation_by_that_tooi_instead_of_duplicating(tmp_path):
    run("--format", "oo-xml", str(FIXTURES / "exportOO-2.6-variants.xml"))
    rio = tmp_path / "exportRIO.xml"
    rio.write_text(
        f'<p:RegisterInternetdomeinenOverheid xmlns:p="{NAMESPACE}">'
        f'<p:organisatie p:systeemId="7001" p:resourceIdentifierTOOI="{TOOI}oorg/oorg70001">'
        "<p:naam>Stichting Zonder Attribuut</p:naam><p:domeinnaamregistraties>"
        "<p:domeinnaamregistratie><p:naam>zonderattribuut.nl</p:naam>"
        "</p:domeinnaamregistratie></p:domeinnaamregistraties></p:organisatie>"
        "</p:RegisterInternetdomeinenOverheid>",
        encoding="utf-8",
    )
    run("--format", "rio-xml", str(rio))
    assert Organisation.objects.filter(name="Stichting Zonder Attribuut").count() == 1
    assert Domain.objects.get(name="zonderattribuut.nl").organisation.register_id == "7001"


@pytest.mark.django_db
def test_a_ministry_named_only_by_its_systeem_id_is_linked_before_and_after_it():
    run("--format", "oo-xml", str(FIXTURES / "exportOO-2.6-variants.xml"))
    ministry = Organisation.objects.get(register_id="7100")
    assert Organisation.objects.get(register_id="7001").ministry == ministry  # named before
    assert Organisation.objects.get(register_id="7002").ministry == ministry  # named after
    # And again from the database, when the ministry is not in the file at all.
    records = [
        r for r in _records(FIXTURES / "exportOO-2.6-variants.xml") if r.register_id != "7100"
    ]
    import_organisation_records(records)
    assert Organisation.objects.get(register_id="7001").ministry == ministry


# Hostile files: refused with a message, memory bounded


def test_input_nested_deeper_than_any_export_is_refused():
    with pytest.raises(ImportRejected) as refused:
        _records(FIXTURES / "exportOO-deep.xml")
    assert "dieper genest dan 100 elementen" in str(refused.value)


def _write(path: Path, *parts: str) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(f'<p:overheidsorganisaties xmlns:p="{NAMESPACE}"><p:organisaties>')
        for part in parts:
            out.write(part)
        out.write("</p:organisaties></p:overheidsorganisaties>")
    return path


def test_a_text_larger_than_the_limit_is_refused_before_it_is_held(tmp_path, monkeypatch):
    # The limit is 8 MB; a smaller one here keeps the test file small. Same code path.
    monkeypatch.setattr(xml_stream, "MAX_TEXT_BYTES", 1024 * 1024)
    path = _write(
        tmp_path / "big-text.xml", "<p:beschrijving>", "x" * 3_000_000, "</p:beschrijving>"
    )
    with pytest.raises(ImportRejected) as refused:
        _records(path)
    assert "tekst of attribuut van meer dan 1 MB" in str(refused.value)


def test_one_organisation_larger_than_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(xml_stream, "MAX_RECORD_BYTES", 1024 * 1024)
    units = "<p:organisatie><p:naam>eenheid</p:naam></p:organisatie>" * 40_000
    path = _write(
        tmp_path / "huge-organisation.xml",
        '<p:organisatie p:systeemId="1"><p:naam>Groot</p:naam><p:organisaties>',
        units,
        "</p:organisaties></p:organisatie>",
    )
    with pytest.raises(ImportRejected) as refused:
        _records(path)
    assert "Eén organisatie (vanaf byte" in str(refused.value)


def test_elements_that_are_not_organisations_are_cleared_as_they_are_read(tmp_path):
    # 200,000 elements beside the organisations (about 12 MB): held, they would take
    # well over 50 MB of Python objects.
    noise = "<p:bijlage><p:regel>niets voor ons</p:regel></p:bijlage>" * 200_000
    organisation = (
        '<p:organisatie p:systeemId="9" p:resourceIdentifierTOOI="'
        f'{TOOI}oorg/oorg9"><p:naam>Echt</p:naam></p:organisatie>'
    )
    path = _write(tmp_path / "noise.xml", noise, organisation, noise)
    tracemalloc.start()
    try:
        records = _records(path)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [r.name for r in records] == ["Echt"]
    assert peak < 5 * 1024 * 1024


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = _write(tmp_path / "large.xml", " " * (2 * 1024 * 1024))
    with override_settings(IMPORT_MAX_MEGABYTES=1), pytest.raises(CommandError) as refused:
        run("--format", "oo-xml", str(path))
    assert "groter dan 1 MB (IMPORT_MAX_MEGABYTES)" in str(refused.value)


def test_a_download_is_cut_off_at_the_size_limit(settings):
    class Endless(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server name
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b" " * 65536)
            except OSError:
                pass  # the importer hung up, as it should

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endless)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/exportOO.xml"
        with pytest.raises(ImportRejected) as refused:
            with open_source(url, max_bytes=1024 * 1024) as stream:
                while stream.read(65536):
                    pass
    finally:
        server.shutdown()
    assert "groter dan 1 MB" in str(refused.value)


# --skip-invalid and the RIO rows a daily import meets


def test_a_registered_name_written_as_a_url_is_its_host_name_when_unambiguous():
    assert registered_name("https://zorgindeurne.nl/") == "zorgindeurne.nl"
    assert registered_name("zorgindeurne.nl") == "zorgindeurne.nl"
    for ambiguous in ("https://a.nl/ https://b.nl/", "https://x.nl/pad", "ftp://x.nl/"):
        with pytest.raises(ValueError):
            registered_name(ambiguous)


@pytest.mark.django_db
def test_the_skip_invalid_summary_lists_skipped_records_by_kind():
    output = run(
        "--format", "rio-xml", "--skip-invalid", str(FIXTURES / "exportRIO-url-domains.xml")
    )
    assert Domain.objects.filter(name="zorgindeurne.nl").exists()  # the URL, normalised
    assert "Overgeslagen: 2" in output
    assert "organisaties (1):" in output and "Stichting Zonder TOOI" in output
    assert "domeinen (1):" in output and "https://a.nl/ https://b.nl/" in output
    # A second run changes nothing, but it skipped rows: it does not say all is current.
    again = run(
        "--format", "rio-xml", "--skip-invalid", str(FIXTURES / "exportRIO-url-domains.xml")
    )
    assert "Overgeslagen: 2" in again
    assert "Niets gewijzigd" not in again


@pytest.mark.django_db
def test_a_file_whose_every_record_is_skipped_does_not_exit_as_a_success(tmp_path):
    path = _write(tmp_path / "nameless.xml", '<p:organisatie p:systeemId="1"></p:organisatie>')
    with pytest.raises(CommandError) as refused:
        run("--format", "oo-xml", "--skip-invalid", str(path))
    assert "Alle 1 records zijn overgeslagen" in str(refused.value)
