"""The NCSC TLS classification tables (guidelines 2.1): versions, suites, groups, hashes."""

import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dh
from nassl.legacy_ssl_client import LegacySslClient
from nassl.ssl_client import OpenSslVerifyEnum, OpenSslVersionEnum, SslClient

from measurement.evaluate import ncsc_tables as ncsc
from measurement.evaluate.ncsc_tables import Level

pytestmark = pytest.mark.filterwarnings("ignore:Diffie-Hellman over finite fields")


def _named_group(name: str) -> tuple[bytes, int]:
    """An RFC 7919 group's (prime, generator), as the system's OpenSSL knows it."""
    pem = subprocess.run(
        ["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", f"group:{name}"],
        check=True,
        capture_output=True,
    ).stdout
    numbers = serialization.load_pem_parameters(pem).parameter_numbers()
    return numbers.p.to_bytes((numbers.p.bit_length() + 7) // 8, "big"), numbers.g


def _client_names(kind) -> set[str]:
    client = kind(ssl_version=OpenSslVersionEnum.SSLV23, ssl_verify=OpenSslVerifyEnum.NONE)
    client.set_cipher_list("ALL:COMPLEMENTOFALL")
    return set(client.get_cipher_list())


def test_tls_1_3_is_good_1_2_sufficient_and_everything_older_insufficient():
    assert ncsc.version_level("TLSv1.3") is Level.GOOD
    assert ncsc.version_level("TLSv1.2") is Level.SUFFICIENT
    for old in ("TLSv1.1", "TLSv1", "SSLv3", "SSLv2", "something else"):
        assert ncsc.version_level(old) is Level.INSUFFICIENT


@pytest.mark.parametrize(
    ("suite", "level"),
    [
        ("TLS_AES_256_GCM_SHA384", Level.GOOD),
        ("TLS_CHACHA20_POLY1305_SHA256", Level.GOOD),
        ("TLS_AES_128_GCM_SHA256", Level.SUFFICIENT),
        ("TLS_AES_128_CCM_8_SHA256", Level.INSUFFICIENT),
        ("ECDHE-RSA-AES256-GCM-SHA384", Level.SUFFICIENT),
        ("ECDHE-ECDSA-CHACHA20-POLY1305", Level.SUFFICIENT),
        ("ECDHE-RSA-AES128-SHA256", Level.PHASE_OUT),
        ("DHE-RSA-AES256-GCM-SHA384", Level.PHASE_OUT),
        ("ECDHE-RSA-AES128-SHA", Level.INSUFFICIENT),  # CBC with SHA-1
        ("AES256-GCM-SHA384", Level.INSUFFICIENT),  # RSA key exchange: no forward secrecy
        ("DES-CBC3-SHA", Level.INSUFFICIENT),
        ("RC4-SHA", Level.INSUFFICIENT),
        ("EXP-RC4-MD5", Level.INSUFFICIENT),
        ("DHE-DSS-AES256-GCM-SHA384", Level.INSUFFICIENT),
    ],
)
def test_cipher_suites_are_classified_as_appendix_b_says(suite, level):
    assert ncsc.cipher_level(suite) is level


def test_every_tabled_openssl_name_is_one_the_probe_can_offer():
    offerable = _client_names(SslClient) | _client_names(LegacySslClient)
    offerable |= set(ncsc.TLS13_SUITES)
    missing = set(ncsc.CIPHER_SUITES) - offerable
    assert missing == set()
    assert set(ncsc.INSUFFICIENT_SUITE_NAMES) - offerable == set()


def test_every_tabled_suite_has_its_iana_name():
    for name in (*ncsc.CIPHER_SUITES, *ncsc.INSUFFICIENT_SUITE_NAMES):
        assert ncsc.cipher_iana_name(name).startswith("TLS_"), name
    assert ncsc.cipher_iana_name("NOT-A-SUITE") == ""


@pytest.mark.parametrize(
    ("group", "level"),
    [
        ("ffdhe2048", Level.INSUFFICIENT),
        ("ffdhe3072", Level.PHASE_OUT),
        ("ffdhe4096", Level.PHASE_OUT),
        ("ffdhe6144", Level.PHASE_OUT),
        ("ffdhe8192", Level.PHASE_OUT),
    ],
)
def test_the_rfc_7919_groups_are_recognised(group, level):
    prime, generator = _named_group(group)
    assert ncsc.dh_group_level(prime, generator) == (group, level)


def test_a_custom_or_altered_dh_group_is_insufficient_whatever_its_size():
    prime, _ = _named_group("ffdhe4096")
    assert ncsc.dh_group_level(prime, 5) == ("DH-4096", Level.INSUFFICIENT)
    altered = prime[:-9] + bytes([prime[-9] ^ 1]) + prime[-8:]
    assert ncsc.dh_group_level(altered, 2) == ("DH-4096", Level.INSUFFICIENT)
    numbers = dh.generate_parameters(2, 512).parameter_numbers()
    assert ncsc.dh_group_level(numbers.p.to_bytes(64, "big"), 2) == ("DH-512", Level.INSUFFICIENT)


def test_ecdhe_curves_p224_phase_out_and_unknown_curves_insufficient():
    for good in ("X25519", "X448", "secp256r1", "prime256v1", "secp384r1", "brainpoolP256r1"):
        assert ncsc.ec_group_level(good) is Level.GOOD
    assert ncsc.ec_group_level("secp224r1") is Level.PHASE_OUT
    assert ncsc.ec_group_level("secp192r1") is Level.INSUFFICIENT
    assert ncsc.ec_group_level("sect163k1") is Level.INSUFFICIENT


def test_key_exchange_hashes_and_certificate_parameters():
    assert ncsc.kex_hash_level("sha256") is Level.GOOD
    assert ncsc.kex_hash_level("sha1") is Level.PHASE_OUT
    assert ncsc.kex_hash_level("sha224") is Level.PHASE_OUT
    assert ncsc.kex_hash_level("md5") is Level.INSUFFICIENT
    assert ncsc.rsa_key_level(4096) is Level.GOOD
    assert ncsc.rsa_key_level(3072) is Level.GOOD
    assert ncsc.rsa_key_level(2048) is Level.PHASE_OUT
    assert ncsc.rsa_key_level(1024) is Level.INSUFFICIENT
    assert ncsc.cert_curve_level("secp256r1") is Level.GOOD
    assert ncsc.cert_curve_level("secp224r1") is Level.PHASE_OUT
    assert ncsc.signature_hash_level("sha256") is Level.GOOD
    assert ncsc.signature_hash_level("sha1") is Level.INSUFFICIENT
    assert ncsc.signature_hash_level("md5") is Level.INSUFFICIENT


def test_levels_order_from_good_to_insufficient():
    assert max(Level.GOOD, Level.PHASE_OUT, Level.SUFFICIENT) is Level.PHASE_OUT
    assert [level.label for level in Level] == ["good", "sufficient", "phase_out", "insufficient"]
