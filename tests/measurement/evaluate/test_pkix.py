import pytest
from cryptography.hazmat.primitives import serialization

from measurement.evaluate import pkix
from tests.measurement.evaluate.conftest import NOW, make_certificate


@pytest.fixture(scope="module")
def lab_store(pki):
    return pkix.TrustStore([pki.root.cert], label="lab")


@pytest.mark.parametrize(
    ("leaf_attr", "host", "with_intermediate", "valid", "reason"),
    [
        ("leaf", "mx1.example.nl", True, True, ""),
        ("leaf", "MX1.Example.NL.", True, True, ""),
        ("wildcard_leaf", "mx1.example.nl", True, True, ""),
        ("wildcard_leaf", "a.mx1.example.nl", True, False, "certificate_name_mismatch"),
        ("leaf", "mx2.example.nl", True, False, "certificate_name_mismatch"),
        ("wrong_name_leaf", "mx1.example.nl", True, False, "certificate_name_mismatch"),
        ("expired_leaf", "mx1.example.nl", True, False, "certificate_expired"),
        ("leaf", "mx1.example.nl", False, False, "certificate_untrusted"),
        ("self_signed", "mx1.example.nl", False, False, "certificate_self_signed"),
        ("rsa_leaf", "mx1.example.nl", False, False, "certificate_untrusted"),
    ],
)
def test_web_pki_validation_gives_a_reason_for_every_failure(
    pki, lab_store, leaf_attr, host, with_intermediate, valid, reason
):
    leaf = getattr(pki, leaf_attr)
    chain = pki.chain(leaf) if with_intermediate else (leaf.der,)
    result = pkix.validate_chain(chain, host, lab_store, NOW)
    assert (result.valid, result.reason) == (valid, reason)


def test_a_valid_result_reports_the_names_and_expiry(pki, lab_store):
    result = pkix.validate_chain(pki.chain(pki.leaf), "mx1.example.nl", lab_store, NOW)
    assert result.names == ("mx1.example.nl",)
    assert result.not_after == pki.leaf.cert.not_valid_after_utc


def test_a_chain_to_an_unrelated_root_is_untrusted(pki):
    store = pkix.TrustStore([pki.other_root.cert])
    result = pkix.validate_chain(pki.chain(pki.leaf), "mx1.example.nl", store, NOW)
    assert (result.valid, result.reason) == (False, "certificate_untrusted")
    assert result.detail


def test_the_strict_profile_names_the_extension_it_refused(pki, lab_store):
    # cryptography's verifier applies the CA/Browser Forum profile strictly, on purpose
    # (docs/methodology.md): a leaf without an Authority Key Identifier is refused, and
    # the reason says which extension, not a generic "untrusted".
    leaf = make_certificate(
        "mx1.example.nl", issuer=pki.intermediate, names=("mx1.example.nl",), authority_key_id=False
    )
    result = pkix.validate_chain(pki.chain(leaf), "mx1.example.nl", lab_store, NOW)
    assert (result.valid, result.reason) == (
        False,
        "certificate_extension_rejected:authorityKeyIdentifier",
    )
    assert "missing required extension" in result.detail


def test_no_chain_and_garbage_are_reasons_not_exceptions(lab_store):
    assert pkix.validate_chain((), "mx1.example.nl", lab_store, NOW).reason == "no_certificate"
    garbage = pkix.validate_chain((b"\x30\x00",), "mx1.example.nl", lab_store, NOW)
    assert garbage.reason == "bad_certificate"


def test_a_pem_bundle_loads_as_a_trust_store_once(pki, tmp_path):
    path = tmp_path / "lab-ca.pem"
    path.write_bytes(
        pki.root.cert.public_bytes(serialization.Encoding.PEM)
        + b"-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n"
        + pki.other_root.cert.public_bytes(serialization.Encoding.PEM)
    )
    store = pkix.load_trust_store(str(path))
    assert len(store.certificates) == 2
    assert pkix.load_trust_store(str(path)) is store
    assert pkix.validate_chain(pki.chain(pki.leaf), "mx1.example.nl", store, NOW).valid


def test_the_system_trust_store_loads_from_the_default_ca_file():
    store = pkix.load_trust_store(None)
    assert len(store.certificates) > 50
    assert pkix.system_trust_store() is store


def test_an_empty_trust_store_is_refused():
    with pytest.raises(ValueError):
        pkix.TrustStore([])
