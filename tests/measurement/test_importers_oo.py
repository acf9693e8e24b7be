"""Importing exportOO.xml: the parser on its own and the command on PostgreSQL."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from measurement.importers.apply_oo import import_organisation_records
from measurement.importers.oo_xml import parse_oo_xml
from measurement.importers.records import ImportRejected, InvalidRow, OrganisationRecord
from measurement.models import Domain, Organisation, Source

DATA = Path(__file__).parent.parent / "data" / "registers"
SAMPLE = DATA / "exportOO.xml"
TOOI = "https://identifier.overheid.nl/tooi/id/"


def parsed(path: Path = SAMPLE) -> dict[str, OrganisationRecord]:
    with path.open("rb") as stream:
        return {r.register_id: r for r in parse_oo_xml(stream)}


def run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("nl"):
        call_command("import_organisations", *args, stdout=out)
    return out.getvalue()


def variant(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "exportOO.xml"
    path.write_text(SAMPLE.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return path


# The parser on its own


def test_nested_units_are_yielded_after_their_parent_with_the_parent_key():
    records = list(parse_oo_xml(SAMPLE.open("rb")))
    order = [r.register_id for r in records]
    assert order.index("1001") < order.index("1002") < order.index("1003")
    by_id = parsed()
    assert by_id["1002"].parent_key == f"{TOOI}gemeente/gm9991"
    assert by_id["1003"].parent_key == f"{TOOI}oorg/oorg90002"
    assert by_id["1003"].is_unit and not by_id["1001"].is_unit


def test_units_inherit_the_sector_of_their_organisation_and_get_no_candidate_domain():
    by_id = parsed()
    assert by_id["1003"].sector == "gemeente"
    assert by_id["2003"].sector == "rijk"
    assert by_id["1002"].website == "https://www.voorbeeldstad.nl/noord"
    assert by_id["1002"].candidate_domain is None


def test_a_unit_of_an_ended_organisation_has_ended_with_it():
    by_id = parsed()
    assert by_id["3001"].valid_to == datetime.date(2019, 1, 1)
    assert by_id["3002"].valid_to == datetime.date(2019, 1, 1)


def test_a_ministry_named_without_ministerie_van_is_a_ministry_by_its_type():
    bzk = parsed()["2002"]
    assert bzk.name == "Binnenlandse Zaken en Koninkrijksrelaties"
    assert (bzk.organisation_type, bzk.sector) == ("Ministerie", "rijk")
    assert parsed()["2001"].ministry_tooi == bzk.tooi


def test_messy_website_values_give_clean_candidate_domains():
    by_id = parsed()
    assert by_id["1001"].candidate_domain == "voorbeeldstad.nl"  # labelled algemeen, second
    assert by_id["2001"].candidate_domain == "logius.nl"  # no scheme, two URLs with ';'
    assert by_id["2005"].candidate_domain == "kiesraad.nl"  # register link skipped
    assert by_id["5001"].candidate_domain == "voorbeeldland.nl"  # upper case
    assert by_id["6001"].candidate_domain == "xn--bcherdorp-q9a.nl"  # IDN


def test_an_unknown_schema_namespace_is_refused_with_a_clear_message(tmp_path):
    path = variant(
        tmp_path,
        "https://organisaties.overheid.nl/static/schema/oo/export/2.6.13",
        "https://organisaties.overheid.nl/static/schema/oo/export/3.0.0",
    )
    with pytest.raises(ImportRejected) as excinfo:
        parsed(path)
    assert "export/3.0.0" in str(excinfo.value)
    assert "2.x" in str(excinfo.value)


def test_an_organisation_without_a_name_is_an_invalid_row_naming_its_systeem_id(tmp_path):
    path = variant(tmp_path, "<p:naam>Logius</p:naam>", "<p:naam></p:naam>")
    with path.open("rb") as stream:
        invalid = [r for r in parse_oo_xml(stream) if isinstance(r, InvalidRow)]
    assert len(invalid) == 1
    assert "2001" in invalid[0].where
    assert "naam" in invalid[0].reason


# The command on the database


@pytest.mark.django_db
def test_the_sample_imports_every_organisation_and_unit_with_parents_set():
    output = run("--format", "oo-xml", str(SAMPLE))
    assert "Organisaties: 15 nieuw, 0 gewijzigd, 0 ongewijzigd, 2 beëindigd" in output
    unit = Organisation.objects.get(register_id="1003")
    assert unit.parent.register_id == "1002"
    assert unit.parent.parent.name == "Gemeente Voorbeeldstad"
    assert unit.sector == "gemeente"
    assert unit.source == Source.ROO
    assert not unit.domains.exists()


@pytest.mark.django_db
def test_an_ended_parent_and_its_active_child_are_both_kept_as_ended():
    run("--format", "oo-xml", str(SAMPLE))
    parent = Organisation.objects.get(tooi=f"{TOOI}gemeente/gm9992")
    child = Organisation.objects.get(register_id="3002")
    assert child.parent == parent
    assert not parent.is_active and not child.is_active
    assert child.valid_to == datetime.date(2019, 1, 1)
    assert set(Organisation.objects.active().values_list("register_id", flat=True)).isdisjoint(
        {"3001", "3002"}
    )


@pytest.mark.django_db
def test_an_organisation_with_a_future_end_date_is_still_active():
    run("--format", "oo-xml", str(SAMPLE))
    merging = Organisation.objects.get(register_id="3003")
    assert merging.valid_to == datetime.date(2099, 1, 1)
    assert merging.is_active


@pytest.mark.django_db
def test_two_organisations_with_one_name_and_different_types_both_import():
    run("--format", "oo-xml", str(SAMPLE))
    both = Organisation.objects.filter(name="Hollands Noorderkwartier").order_by("register_id")
    assert [(o.organisation_type, o.sector) for o in both] == [
        ("Waterschap", "waterschap"),
        ("Gemeenschappelijke regeling", "semi_publiek"),
    ]
    assert len({o.slug for o in both}) == 2


@pytest.mark.django_db
def test_bodies_are_linked_to_their_ministry_on_tooi_even_when_it_comes_later():
    run("--format", "oo-xml", str(SAMPLE))
    bzk = Organisation.objects.get(tooi=f"{TOOI}ministerie/mnre1034")
    assert bzk.name == "Binnenlandse Zaken en Koninkrijksrelaties"
    assert set(bzk.related_bodies.values_list("name", flat=True)) == {"Logius", "Kiesraad"}


@pytest.mark.django_db
def test_candidate_mail_domains_come_from_websites_but_not_from_shared_ones():
    run("--format", "oo-xml", str(SAMPLE))
    domains = dict(Domain.objects.values_list("name", "organisation__register_id"))
    assert domains["voorbeeldstad.nl"] == "1001"
    assert domains["logius.nl"] == "2001"
    assert domains["kiesraad.nl"] == "2005"
    assert domains["xn--bcherdorp-q9a.nl"] == "6001"
    # Both ministries link to rijksoverheid.nl; the GR's second URL on hhnk.nl is not chosen.
    assert "rijksoverheid.nl" not in domains
    assert domains["hhnk.nl"] == "4001"
    assert domains["gr-hollandsnoorderkwartier.nl"] == "4002"
    assert not Domain.objects.filter(organisation__parent__isnull=False).exists()
    assert set(Domain.objects.values_list("source", flat=True)) == {Source.ROO}


@pytest.mark.django_db
def test_a_re_import_of_the_same_file_changes_nothing_and_says_so():
    run("--format", "oo-xml", str(SAMPLE))
    before = list(Organisation.objects.values_list("pk", "slug", "updated_at").order_by("pk"))
    output = run("--format", "oo-xml", str(SAMPLE))
    assert "Organisaties: 0 nieuw, 0 gewijzigd, 15 ongewijzigd, 0 beëindigd" in output
    assert "Niets gewijzigd" in output
    after = list(Organisation.objects.values_list("pk", "slug", "updated_at").order_by("pk"))
    assert after == before


@pytest.mark.django_db
def test_a_changed_export_updates_renames_and_ends_on_the_same_rows(tmp_path):
    run("--format", "oo-xml", str(SAMPLE))
    slug = Organisation.objects.get(register_id="4001").slug
    changed = variant(
        tmp_path,
        "<p:naam>Hollands Noorderkwartier</p:naam>\n      <p:afkorting>HHNK",
        "<p:naam>Hoogheemraadschap Hollands Noorderkwartier</p:naam>\n"
        "      <p:eindDatum>2020-01-01</p:eindDatum>\n      <p:afkorting>HHNK",
    )
    output = run("--format", "oo-xml", str(changed))
    assert "Organisaties: 0 nieuw, 1 gewijzigd, 14 ongewijzigd, 1 beëindigd" in output
    renamed = Organisation.objects.get(register_id="4001")
    assert renamed.name == "Hoogheemraadschap Hollands Noorderkwartier"
    assert renamed.slug == slug
    assert not renamed.is_active


@pytest.mark.django_db
def test_an_organisation_without_tooi_keeps_its_row_when_a_later_export_gives_it_one(tmp_path):
    without = variant(
        tmp_path,
        ' p:resourceIdentifierTOOI="https://identifier.overheid.nl/tooi/id/gemeente/gm9991"',
        "",
    )
    run("--format", "oo-xml", str(without))
    first = Organisation.objects.get(register_id="1001")
    assert first.tooi is None
    output = run("--format", "oo-xml", str(SAMPLE))
    assert "Organisaties: 0 nieuw, 1 gewijzigd, 14 ongewijzigd" in output
    later = Organisation.objects.get(register_id="1001")
    assert (later.pk, later.tooi) == (first.pk, f"{TOOI}gemeente/gm9991")


@pytest.mark.django_db
def test_a_website_domain_that_becomes_shared_is_no_longer_a_candidate(tmp_path):
    run("--format", "oo-xml", str(SAMPLE))
    shared = variant(tmp_path, "<p:url>samenvoeging.nl</p:url>", "<p:url>www.hhnk.nl</p:url>")
    output = run("--format", "oo-xml", str(shared))
    hhnk = Domain.objects.get(name="hhnk.nl")
    assert not hhnk.is_active and hhnk.removed_on is not None
    assert Domain.objects.get(name="samenvoeging.nl").is_active is False
    assert "Domeinen: 0 nieuw, 0 gewijzigd, 7 ongewijzigd, 2 beëindigd" in output


@pytest.mark.django_db
def test_an_unknown_schema_namespace_stops_the_command_and_imports_nothing(tmp_path):
    path = variant(tmp_path, "oo/export/2.6.13", "oo/export/9.1")
    with pytest.raises(CommandError, match="schemaversie 2.x"):
        run("--format", "oo-xml", str(path))
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_a_rio_file_given_as_oo_xml_is_refused_with_a_hint():
    with pytest.raises(CommandError, match="--format rio-xml"):
        run("--format", "oo-xml", str(DATA / "exportRIO.xml"))


@pytest.mark.django_db
def test_a_truncated_file_is_refused_and_nothing_is_imported(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    # Cut inside the last organisation: the ones before it have been read already.
    cut = text.index('p:systeemId="6001"')
    path = tmp_path / "truncated.xml"
    path.write_text(text[:cut], encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_organisations", "--format", "oo-xml", str(path), stdout=io.StringIO())
    message = str(excinfo.value)
    assert "onvolledig of ongeldig" in message
    assert "regel" in message and "niets geïmporteerd" in message
    assert not Organisation.objects.exists()
    assert not Domain.objects.exists()


@pytest.mark.django_db
def test_a_truncated_file_is_refused_even_when_the_cut_falls_after_batches_were_stored(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "truncated.xml"
    path.write_text(text[: text.index("</p:organisaties>\n</p:overheidsorganisaties>")])
    with path.open("rb") as stream, pytest.raises(ImportRejected):
        import_organisation_records(parse_oo_xml(stream), batch_size=2)
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_an_invalid_organisation_refuses_the_file_naming_it(tmp_path):
    path = variant(tmp_path, "<p:eindDatum>2019-01-01<", "<p:eindDatum>ooit<")
    with pytest.raises(CommandError) as excinfo:
        run("--format", "oo-xml", str(path))
    assert "organisatie 3001 (Gemeente Oudedorp)" in str(excinfo.value)
    assert "ongeldige datum" in str(excinfo.value)
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_skip_invalid_imports_the_rest_and_lists_what_it_skipped(tmp_path):
    path = variant(tmp_path, "<p:eindDatum>2019-01-01<", "<p:eindDatum>ooit<")
    output = run("--format", "oo-xml", "--skip-invalid", str(path))
    assert "Overgeslagen: 1" in output
    assert "organisatie 3001 (Gemeente Oudedorp): ongeldige datum 'ooit'" in output
    assert not Organisation.objects.filter(register_id="3001").exists()
    orphan = Organisation.objects.get(register_id="3002")
    assert orphan.parent is None and orphan.sector == "gemeente"
    assert Organisation.objects.count() == 14


@pytest.mark.django_db
@pytest.mark.parametrize("batch_size", [1, 3])
def test_parents_and_ministries_link_the_same_whatever_the_batch_boundaries(batch_size):
    with SAMPLE.open("rb") as stream:
        summary = import_organisation_records(parse_oo_xml(stream), batch_size=batch_size)
    assert summary.organisations.created == 15
    links = dict(
        Organisation.objects.values_list("register_id", "parent__register_id").filter(
            parent__isnull=False
        )
    )
    assert links == {"1002": "1001", "1003": "1002", "2003": "2002", "3002": "3001"}
    ministries = Organisation.objects.filter(ministry__register_id="2002")
    assert set(ministries.values_list("name", flat=True)) == {"Logius", "Kiesraad"}


EMPTY_OO = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<p:overheidsorganisaties '
    'xmlns:p="https://organisaties.overheid.nl/static/schema/oo/export/2.6.13">'
    "<p:organisaties>{filler}</p:organisaties></p:overheidsorganisaties>"
)


@pytest.mark.django_db
def test_an_export_without_any_organisation_is_refused_however_large(tmp_path):
    # The right root and namespace, a megabyte of elements that are no organisation.
    filler = "<p:opmerking>geen organisatie</p:opmerking>" * 25_000
    path = tmp_path / "exportOO.xml"
    path.write_text(EMPTY_OO.format(filler=filler), encoding="utf-8")
    for flags in ((), ("--skip-invalid",)):
        with pytest.raises(CommandError, match="geen enkele organisatie"):
            run("--format", "oo-xml", *flags, str(path))
    assert not Organisation.objects.exists()
