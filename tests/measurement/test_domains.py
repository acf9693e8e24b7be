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
    ["-x.nl", "x-.nl", "a..nl", "a" * 300 + ".nl", "192.0.2.1", "[2001:db8::1]", "nl", "", "a_b.nl"],
)
def test_an_unusable_domain_is_rejected_with_a_reason(raw):
    with pytest.raises(InvalidDomain) as excinfo:
        normalise_domain(raw)
    assert str(excinfo.value)
