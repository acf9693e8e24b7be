import pytest

from measurement.domains import InvalidDomain, normalise_domain


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Example.NL.", "example.nl"),
        ("  gemeente.nl ", "gemeente.nl"),
        ("bücher.nl", "xn--bcher-kva.nl"),
        ("xn--bcher-kva.nl", "xn--bcher-kva.nl"),
    ],
)
def test_a_domain_is_normalised_to_lower_case_a_labels_without_trailing_dot(raw, expected):
    assert normalise_domain(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "-x.nl",
        "x-.nl",
        "a..nl",
        "a" * 300 + ".nl",
        "192.0.2.1",
        "[2001:db8::1]",
        "nl",
        "",
        "a_b.nl",
    ],
)
def test_an_unusable_domain_is_rejected_with_a_reason(raw):
    with pytest.raises(InvalidDomain) as excinfo:
        normalise_domain(raw)
    assert str(excinfo.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("BÜCHER.NL", "xn--bcher-kva.nl"),
        ("münchen.de.", "xn--mnchen-3ya.de"),
        ("a" * 63 + ".nl", "a" * 63 + ".nl"),
    ],
)
def test_an_upper_case_idn_and_a_63_character_label_are_accepted(raw, expected):
    assert normalise_domain(raw) == expected


@pytest.mark.parametrize(
    "raw", ["a" * 64 + ".nl", "bücher..nl", "exa mple.nl", "*.nl", ".nl", "::1"]
)
def test_a_long_label_an_empty_idn_label_spaces_wildcards_and_ipv6_are_rejected(raw):
    with pytest.raises(InvalidDomain):
        normalise_domain(raw)


@pytest.mark.parametrize("raw", ["192.0.2.1", "192.0.2.1.", "[2001:db8::1]", "::1", "fe80::1%eth0"])
def test_an_ip_literal_is_rejected_as_an_ip_address(raw):
    with pytest.raises(InvalidDomain, match="IP-adres"):
        normalise_domain(raw)


@pytest.mark.parametrize("raw", ["123.nl", "1.2.3.nl", "0x1.nl"])
def test_digits_and_dots_with_a_name_are_a_domain_not_an_ip_address(raw):
    assert normalise_domain(raw) == raw
