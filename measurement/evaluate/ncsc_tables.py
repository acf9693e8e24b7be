"""The classification tables of the NCSC "ICT-beveiligingsrichtlijnen voor TLS", version 2.1.

NCSC-NL, "ICT-beveiligingsrichtlijnen voor Transport Layer Security (TLS)", version 2.1
(January 2025), section 3.3 and appendix B, in the reading Internet.nl implements in its
mail test (the Forum's figures come from there). Four levels: good, sufficient, phase out,
insufficient. Anything not listed in a table is insufficient. A data table: the one copy
of each rule; the judgement (tls_quality.py) only looks things up here.
"""

from enum import IntEnum

GUIDELINES_VERSION = "NCSC ICT-beveiligingsrichtlijnen voor TLS 2.1 (januari 2025)"


class Level(IntEnum):
    """Ordered so that max() gives the worst of several levels."""

    GOOD = 0
    SUFFICIENT = 1
    PHASE_OUT = 2
    INSUFFICIENT = 3

    @property
    def label(self) -> str:
        return self.name.lower()


# --- protocol versions (section 3.3.1) ---------------------------------------------------

VERSIONS = ("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3", "SSLv2")  # newest first
VERSION_LEVELS: dict[str, Level] = {
    "TLSv1.3": Level.GOOD,
    "TLSv1.2": Level.SUFFICIENT,
    # TLS 1.1 and 1.0 were "phase out" in version 2.0 (2019); 2.1 made them insufficient.
    "TLSv1.1": Level.INSUFFICIENT,
    "TLSv1": Level.INSUFFICIENT,
    "SSLv3": Level.INSUFFICIENT,
    "SSLv2": Level.INSUFFICIENT,
}


def version_level(version: str) -> Level:
    return VERSION_LEVELS.get(version, Level.INSUFFICIENT)


# --- cipher suites (sections 3.3.3 and 3.3.4, appendix B) -------------------------------
# Keyed by the OpenSSL name (what Postfix and the probe see), with the IANA name.

TLS13_SUITES = (
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_128_CCM_SHA256",
    "TLS_AES_128_CCM_8_SHA256",
)

CIPHER_SUITES: dict[str, tuple[str, Level]] = {
    # TLS 1.3 (OpenSSL uses the IANA names)
    "TLS_AES_256_GCM_SHA384": ("TLS_AES_256_GCM_SHA384", Level.GOOD),
    "TLS_CHACHA20_POLY1305_SHA256": ("TLS_CHACHA20_POLY1305_SHA256", Level.GOOD),
    "TLS_AES_128_GCM_SHA256": ("TLS_AES_128_GCM_SHA256", Level.SUFFICIENT),
    "TLS_AES_128_CCM_SHA256": ("TLS_AES_128_CCM_SHA256", Level.SUFFICIENT),
    # TLS 1.2, ECDHE with an AEAD: sufficient
    "ECDHE-ECDSA-AES256-GCM-SHA384": ("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", Level.SUFFICIENT),
    "ECDHE-ECDSA-CHACHA20-POLY1305": (
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        Level.SUFFICIENT,
    ),
    "ECDHE-ECDSA-AES256-CCM": ("TLS_ECDHE_ECDSA_WITH_AES_256_CCM", Level.SUFFICIENT),
    "ECDHE-ECDSA-AES128-GCM-SHA256": ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", Level.SUFFICIENT),
    "ECDHE-ECDSA-AES128-CCM": ("TLS_ECDHE_ECDSA_WITH_AES_128_CCM", Level.SUFFICIENT),
    "ECDHE-RSA-AES256-GCM-SHA384": ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", Level.SUFFICIENT),
    "ECDHE-RSA-CHACHA20-POLY1305": (
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        Level.SUFFICIENT,
    ),
    "ECDHE-RSA-AES128-GCM-SHA256": ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", Level.SUFFICIENT),
    # TLS 1.2, ECDHE with CBC and SHA-2, ARIA and Camellia: phase out
    "ECDHE-ECDSA-AES256-SHA384": ("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", Level.PHASE_OUT),
    "ECDHE-ECDSA-AES128-SHA256": ("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", Level.PHASE_OUT),
    "ECDHE-ECDSA-CAMELLIA256-SHA384": (
        "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384",
        Level.PHASE_OUT,
    ),
    "ECDHE-ECDSA-CAMELLIA128-SHA256": (
        "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256",
        Level.PHASE_OUT,
    ),
    "ECDHE-ECDSA-ARIA256-GCM-SHA384": ("TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", Level.PHASE_OUT),
    "ECDHE-ECDSA-ARIA128-GCM-SHA256": ("TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", Level.PHASE_OUT),
    "ECDHE-RSA-AES256-SHA384": ("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", Level.PHASE_OUT),
    "ECDHE-RSA-AES128-SHA256": ("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", Level.PHASE_OUT),
    "ECDHE-RSA-CAMELLIA256-SHA384": ("TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", Level.PHASE_OUT),
    "ECDHE-RSA-CAMELLIA128-SHA256": ("TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", Level.PHASE_OUT),
    "ECDHE-ARIA256-GCM-SHA384": ("TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", Level.PHASE_OUT),
    "ECDHE-ARIA128-GCM-SHA256": ("TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", Level.PHASE_OUT),
    # TLS 1.2, finite-field DHE with an AEAD or CBC and SHA-2: phase out
    "DHE-RSA-AES256-GCM-SHA384": ("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", Level.PHASE_OUT),
    "DHE-RSA-CHACHA20-POLY1305": ("TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", Level.PHASE_OUT),
    "DHE-RSA-AES256-CCM": ("TLS_DHE_RSA_WITH_AES_256_CCM", Level.PHASE_OUT),
    "DHE-RSA-AES128-GCM-SHA256": ("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", Level.PHASE_OUT),
    "DHE-RSA-AES128-CCM": ("TLS_DHE_RSA_WITH_AES_128_CCM", Level.PHASE_OUT),
    "DHE-RSA-AES256-SHA256": ("TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", Level.PHASE_OUT),
    "DHE-RSA-AES128-SHA256": ("TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", Level.PHASE_OUT),
    "DHE-RSA-CAMELLIA256-SHA256": ("TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", Level.PHASE_OUT),
    "DHE-RSA-CAMELLIA128-SHA256": ("TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", Level.PHASE_OUT),
    "DHE-RSA-ARIA256-GCM-SHA384": ("TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", Level.PHASE_OUT),
    "DHE-RSA-ARIA128-GCM-SHA256": ("TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", Level.PHASE_OUT),
}


# Insufficient suites still often seen, for their IANA names (Schannel uses those).
INSUFFICIENT_SUITE_NAMES: dict[str, str] = {
    "ECDHE-ECDSA-AES256-SHA": "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "ECDHE-ECDSA-AES128-SHA": "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "ECDHE-RSA-AES256-SHA": "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "ECDHE-RSA-AES128-SHA": "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "ECDHE-RSA-DES-CBC3-SHA": "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
    "ECDHE-RSA-RC4-SHA": "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
    "DHE-RSA-AES256-SHA": "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
    "DHE-RSA-AES128-SHA": "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
    "EDH-RSA-DES-CBC3-SHA": "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
    "AES256-GCM-SHA384": "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "AES128-GCM-SHA256": "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "AES256-SHA256": "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "AES128-SHA256": "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "AES256-SHA": "TLS_RSA_WITH_AES_256_CBC_SHA",
    "AES128-SHA": "TLS_RSA_WITH_AES_128_CBC_SHA",
    "DES-CBC3-SHA": "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "RC4-SHA": "TLS_RSA_WITH_RC4_128_SHA",
    "RC4-MD5": "TLS_RSA_WITH_RC4_128_MD5",
    "EXP-RC4-MD5": "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
    "EXP-DES-CBC-SHA": "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
    "NULL-SHA": "TLS_RSA_WITH_NULL_SHA",
    "TLS_AES_128_CCM_8_SHA256": "TLS_AES_128_CCM_8_SHA256",
}


def cipher_level(openssl_name: str) -> Level:
    """Everything outside appendix B (RSA key exchange, CBC with SHA-1, 3DES, RC4, NULL,
    export, anonymous, static DH) is insufficient."""
    entry = CIPHER_SUITES.get(openssl_name)
    return entry[1] if entry else Level.INSUFFICIENT


def cipher_iana_name(openssl_name: str) -> str:
    entry = CIPHER_SUITES.get(openssl_name)
    return entry[0] if entry else INSUFFICIENT_SUITE_NAMES.get(openssl_name, "")


# --- key exchange groups (section 3.3.2, table 10) --------------------------------------

EC_GROUP_LEVELS: dict[str, Level] = {
    "X25519": Level.GOOD,
    "X448": Level.GOOD,
    "secp256r1": Level.GOOD,  # also known as prime256v1 / P-256
    "prime256v1": Level.GOOD,
    "secp384r1": Level.GOOD,
    "secp521r1": Level.GOOD,
    "brainpoolP256r1": Level.GOOD,
    "brainpoolP384r1": Level.GOOD,
    "brainpoolP512r1": Level.GOOD,
    "secp224r1": Level.PHASE_OUT,
}


def ec_group_level(name: str) -> Level:
    return EC_GROUP_LEVELS.get(name, Level.INSUFFICIENT)


# RFC 7919 appendix A. ffdhe2048 in full; the larger groups share its first 1536 bits
# (their primes differ only after 2^(b-130)*e has more bits) and are recognised by that
# head, their length, the all-ones last 64 bits and the 64 bits just before them, which
# differ per group. A custom prime matching all of that by chance is not a concern.
_FFDHE_HEAD = bytes.fromhex(
    "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695A9E13641146433FB"
    "CC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617AD3DF1ED5D5FD65612433F51F5F066ED0"
    "856365553DED1AF3B557135E7F57C935984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE735"
    "30ACCA4F483A797ABC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4"
    "AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F619172FE9CE98583FF"
    "8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005C58EF1837D1683B2C6F34A26C1B2EFFA"
    "886B423861285C97FFFFFFFFFFFFFFFF"
)
# The last 8 bytes before the trailing all-ones of each group, from RFC 7919 appendix A.
_FFDHE_TAILS: dict[int, bytes] = {
    2048: bytes.fromhex("886B423861285C97"),
    3072: bytes.fromhex("25E41D2B66C62E37"),
    4096: bytes.fromhex("C68A007E5E655F6A"),
    6144: bytes.fromhex("A40E329CD0E40E65"),
    8192: bytes.fromhex("D68C8BB7C5C6424C"),
}
FFDHE_LEVELS: dict[str, Level] = {
    "ffdhe2048": Level.INSUFFICIENT,  # 2.1: below 3072 bits is insufficient
    "ffdhe3072": Level.PHASE_OUT,
    "ffdhe4096": Level.PHASE_OUT,
    "ffdhe6144": Level.PHASE_OUT,
    "ffdhe8192": Level.PHASE_OUT,
}


def ffdhe_name(prime: bytes, generator: int) -> str:
    """'ffdhe3072' etc. when (prime, generator) is an RFC 7919 group, else ''."""
    bits = len(prime) * 8
    if generator != 2 or bits not in _FFDHE_TAILS:
        return ""
    head = _FFDHE_HEAD[:192]
    ones = b"\xff" * 8
    if not (prime.startswith(head) and prime.endswith(ones)):
        return ""
    if prime[-16:-8] != _FFDHE_TAILS[bits]:
        return ""
    return f"ffdhe{bits}"


def dh_group_level(prime: bytes, generator: int) -> tuple[str, Level]:
    """A finite-field DH group: its name (ffdheN, or 'DH-<bits>' for a custom group) and
    level. Custom groups, however large, are insufficient in 2.1 (table 10): the client
    cannot tell a safe prime from a trapdoored one."""
    name = ffdhe_name(prime, generator)
    if name:
        return name, FFDHE_LEVELS[name]
    return f"DH-{len(prime) * 8}", Level.INSUFFICIENT


# --- hash function of the key exchange (table 5) ----------------------------------------

KEX_HASH_LEVELS: dict[str, Level] = {
    "sha256": Level.GOOD,
    "sha384": Level.GOOD,
    "sha512": Level.GOOD,
    "sha224": Level.PHASE_OUT,
    "sha1": Level.PHASE_OUT,
    "md5": Level.INSUFFICIENT,
}


def kex_hash_level(name: str) -> Level:
    return KEX_HASH_LEVELS.get(name, Level.INSUFFICIENT)


# --- options (section 3.3.6) -------------------------------------------------------------

COMPRESSION_LEVEL = Level.INSUFFICIENT  # any TLS compression (CRIME)
NO_SECURE_RENEGOTIATION_LEVEL = Level.INSUFFICIENT  # RFC 5746 missing
CLIENT_RENEGOTIATION_LEVEL = Level.INSUFFICIENT  # client-initiated renegotiation allowed

# --- certificate (sections 3.3.2.1 and 3.3.5) -------------------------------------------

RSA_GOOD_BITS = 3072
RSA_PHASE_OUT_BITS = 2048  # 2048-3071: phase out; below 2048: insufficient
CERT_CURVE_LEVELS: dict[str, Level] = {
    "secp256r1": Level.GOOD,
    "secp384r1": Level.GOOD,
    "secp521r1": Level.GOOD,
    "brainpoolP256r1": Level.GOOD,
    "brainpoolP384r1": Level.GOOD,
    "brainpoolP512r1": Level.GOOD,
    "ed25519": Level.GOOD,
    "ed448": Level.GOOD,
    "secp224r1": Level.PHASE_OUT,
}
SIGNATURE_HASH_LEVELS: dict[str, Level] = {
    "sha256": Level.GOOD,
    "sha384": Level.GOOD,
    "sha512": Level.GOOD,
    "ed25519": Level.GOOD,
    "ed448": Level.GOOD,
    # SHA-224, SHA-1 and MD5 signatures on certificates are insufficient (3.3.5)
}


def rsa_key_level(bits: int) -> Level:
    if bits >= RSA_GOOD_BITS:
        return Level.GOOD
    if bits >= RSA_PHASE_OUT_BITS:
        return Level.PHASE_OUT
    return Level.INSUFFICIENT


def cert_curve_level(name: str) -> Level:
    return CERT_CURVE_LEVELS.get(name, Level.INSUFFICIENT)


def signature_hash_level(name: str) -> Level:
    return SIGNATURE_HASH_LEVELS.get(name, Level.INSUFFICIENT)
