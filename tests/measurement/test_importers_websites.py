"""The pure parts of the importers: websites, sectors, slugs."""

import pytest

from measurement.importers.sectors import parse_sector, sector_of
from measurement.importers.slugs import unique_slug
from measurement.importers.websites import preferred_website, websites_in


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("https://www.voorbeeld.nl", "voorbeeld.nl"),
        ("www.voorbeeld.nl/contact", "voorbeeld.nl"),
        ("voorbeeld.nl", "voorbeeld.nl"),
        ("HTTP://WWW.VOORBEELD.NL/", "voorbeeld.nl"),
        ("https://loket.voorbeeld.nl/aanvragen?x=1", "voorbeeld.nl"),
        ("  https://www.voorbeeld.nl.  ", "voorbeeld.nl"),
        ("https://www.bücher.nl", "xn--bcher-kva.nl"),
        ("https://gemeente.example.co.uk", "example.co.uk"),
        ("http://www.voorbeeld.nl:8080/pad", "voorbeeld.nl"),
    ],
)
def test_the_candidate_domain_is_the_registrable_domain_of_the_website_host(value, domain):
    assert [w.domain for w in websites_in(value)] == [domain]


def test_several_urls_in_one_value_are_split_on_spaces_and_semicolons():
    found = websites_in("www.een.nl;https://twee.nl  drie.nl ; ")
    assert [w.domain for w in found] == ["een.nl", "twee.nl", "drie.nl"]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "https://organisaties.overheid.nl/12345/Gemeente_X/",
        "https://almanak.overheid.nl/12345/",
        "https://192.0.2.1/",
        "mailto:info@voorbeeld.nl",
        "ftp://voorbeeld.nl",
        "https://nl",
        "geen website",
    ],
)
def test_values_without_a_usable_website_give_no_candidate(value):
    assert websites_in(value) == []


def test_the_website_labelled_algemeen_is_preferred_over_an_earlier_one():
    website = preferred_website(
        [("https://formulier.example.org/x", "contactformulier"), ("www.gemeente.nl", "Algemeen")]
    )
    assert website.domain == "gemeente.nl"
    assert website.url == "https://www.gemeente.nl"


def test_without_a_label_algemeen_the_first_usable_website_is_taken():
    website = preferred_website(
        [("https://organisaties.overheid.nl/1/X/", "algemeen"), ("eerste.nl", ""), ("b.nl", "")]
    )
    assert website.domain == "eerste.nl"


def test_a_website_url_keeps_its_path_with_scheme_and_host_in_lower_case():
    (website,) = websites_in("HTTPS://WWW.Voorbeeld.NL/Contact")
    assert website.url == "https://www.voorbeeld.nl/Contact"


@pytest.mark.parametrize(
    ("organisation_type", "parent", "sector"),
    [
        ("Ministerie", None, "rijk"),
        ("Agentschap", None, "rijk"),
        ("Zelfstandig bestuursorgaan", None, "rijk"),
        ("Inspectie", None, "rijk"),
        ("Adviescollege", None, "rijk"),
        ("Provincie", None, "provincie"),
        ("gemeente", None, "gemeente"),
        ("Waterschap", None, "waterschap"),
        ("Gemeenschappelijke regeling", None, "semi_publiek"),
        ("Politie en brandweer", None, "semi_publiek"),
        ("Organisatieonderdeel", "gemeente", "gemeente"),
        ("Directoraat-Generaal", "rijk", "rijk"),
    ],
)
def test_the_sector_follows_the_main_type_and_units_inherit_it(organisation_type, parent, sector):
    assert sector_of(organisation_type, parent) == sector


@pytest.mark.parametrize(
    ("label", "sector"),
    [
        ("rijk", "rijk"),
        ("Gemeenten", "gemeente"),
        ("PROVINCIES", "provincie"),
        ("waterschap", "waterschap"),
        ("(Semi-)publiek", "semi_publiek"),
        ("semi_publiek", "semi_publiek"),
    ],
)
def test_a_csv_sector_is_read_from_its_value_or_dutch_label(label, sector):
    assert parse_sector(label) == sector


def test_an_unknown_csv_sector_is_not_guessed():
    assert parse_sector("bedrijfsleven") is None


def test_two_organisations_with_one_name_get_slugs_that_differ_by_type():
    taken = {"bestaand"}
    first = unique_slug("Hollands Noorderkwartier", "Waterschap", "HHNK", taken)
    second = unique_slug("Hollands Noorderkwartier", "Gemeenschappelijke regeling", "", taken)
    third = unique_slug("Hollands Noorderkwartier", "Gemeenschappelijke regeling", "", taken)
    assert first == "hollands-noorderkwartier"
    assert second == "hollands-noorderkwartier-gemeenschappelijke-regeling"
    assert third == "hollands-noorderkwartier-2"
    assert {first, second, third} <= taken


def test_the_preferred_value_gives_its_first_usable_url_and_later_entries_are_not_needed():
    website = preferred_website(
        [
            ("eerste.nl", ""),
            ("https://organisaties.overheid.nl/1/X/; www.gemeente.nl", "algemeen"),
            ("https://[", "algemeen"),
        ]
    )
    assert website.domain == "gemeente.nl"
