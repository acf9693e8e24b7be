"""The exact configuration lines that fix each TLS (NCSC) finding, for Postfix and Exchange.

Pure data and string building; the Dutch and English prose around these lines lives in
measurement/explanations/tls_texts.py. Postfix lines are main.cf settings (Postfix 3.6 or
newer, OpenSSL 1.1.1 or newer); Exchange lines are PowerShell for the Windows Server
under Exchange 2016/2019/SE, whose TLS is Windows' Schannel. A reboot applies
Schannel changes.
"""

from dataclasses import dataclass

from measurement.evaluate import ncsc_tables as ncsc
from measurement.evaluate import tls_quality as q

SCHANNEL = r"HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
GOOD_TLS12_SUITES = (
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"
)
_SCHANNEL_PROTOCOLS = {
    "TLSv1.1": "TLS 1.1",
    "TLSv1": "TLS 1.0",
    "SSLv3": "SSL 3.0",
    "SSLv2": "SSL 2.0",
}
_SCHANNEL_CURVES = {"secp224r1": "nistP224", "secp192r1": "nistP192", "prime192v1": "nistP192"}


@dataclass(frozen=True, slots=True)
class FixLines:
    postfix: tuple[str, ...]
    exchange: tuple[str, ...]


def fix_lines(finding: q.Finding) -> FixLines:
    """The lines for one finding; its subjects (the versions, suites, curves seen) go
    into the lines where the fix names them."""
    return _BUILDERS[finding.code](finding.subjects)


def _versions(subjects: tuple[str, ...]) -> FixLines:
    exchange: list[str] = []
    for version in subjects:
        name = _SCHANNEL_PROTOCOLS.get(version)
        if name is None:
            continue
        key = rf"{SCHANNEL}\Protocols\{name}\Server"
        exchange += [
            f"New-Item '{key}' -Force",
            f"New-ItemProperty -Path '{key}' -Name Enabled -Value 0 -PropertyType DWord -Force",
            f"New-ItemProperty -Path '{key}' -Name DisabledByDefault -Value 1 "
            "-PropertyType DWord -Force",
        ]
    postfix = (
        "smtpd_tls_protocols = >=TLSv1.2",
        "smtpd_tls_mandatory_protocols = >=TLSv1.2",
    )
    return FixLines(postfix, tuple(exchange))


def _ciphers(subjects: tuple[str, ...]) -> FixLines:
    postfix = (
        "smtpd_tls_ciphers = high",
        "smtpd_tls_mandatory_ciphers = high",
        f"tls_high_cipherlist = {GOOD_TLS12_SUITES}",
        "smtpd_tls_exclude_ciphers = aNULL, eNULL, EXPORT, DES, 3DES, RC4, MD5, SHA1, kRSA",
        "tls_preempt_cipherlist = yes",
    )
    exchange = tuple(
        # Schannel names suites the IANA way; a suite outside our tables keeps its
        # OpenSSL name, which Get-TlsCipherSuite maps.
        f'Disable-TlsCipherSuite -Name "{ncsc.cipher_iana_name(name) or name}"'
        for name in subjects
    )
    return FixLines(postfix, exchange)


def _ec_groups(subjects: tuple[str, ...]) -> FixLines:
    postfix = ("tls_eecdh_auto_curves = X25519 X448 prime256v1 secp384r1 secp521r1",)
    exchange = tuple(
        f'Disable-TlsEccCurve -Name "{_SCHANNEL_CURVES.get(curve, curve)}"' for curve in subjects
    )
    return FixLines(postfix, exchange)


def _dh_groups(subjects: tuple[str, ...]) -> FixLines:
    postfix = (
        "# Postfix 3.8+ with OpenSSL 3: only the RFC 7919 groups of 3072 bits and more",
        "tls_ffdhe_auto_groups = ffdhe3072 ffdhe4096",
        "# older Postfix: a file holding the RFC 7919 ffdhe3072 group (or no DHE at all)",
        "smtpd_tls_dh1024_param_file = /etc/postfix/ffdhe3072.pem",
    )
    key = rf"{SCHANNEL}\KeyExchangeAlgorithms\Diffie-Hellman"
    exchange = (
        f"New-Item '{key}' -Force",
        f"New-ItemProperty -Path '{key}' -Name ServerMinKeyBitLength -Value 3072 "
        "-PropertyType DWord -Force",
    )
    return FixLines(postfix, exchange)


def _kex_hash(subjects: tuple[str, ...]) -> FixLines:
    postfix = (
        "# /etc/ssl/openssl.cnf, section [system_default_sect] (Postfix uses OpenSSL's):",
        "SignatureAlgorithms = ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:"
        "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:"
        "ed25519:ed448:RSA+SHA256:RSA+SHA384:RSA+SHA512",
    )
    key = rf"{SCHANNEL}\Hashes\SHA"
    exchange = (
        f"New-Item '{key}' -Force",
        f"New-ItemProperty -Path '{key}' -Name Enabled -Value 0 -PropertyType DWord -Force",
    )
    return FixLines(postfix, exchange)


def _compression(subjects: tuple[str, ...]) -> FixLines:
    return FixLines(
        ("tls_ssl_options = NO_COMPRESSION, NO_RENEGOTIATION",),
        ("# Schannel never compresses: a TLS front end (load balancer) does; switch it off there",),
    )


def _secure_renegotiation(subjects: tuple[str, ...]) -> FixLines:
    return FixLines(
        ("# upgrade OpenSSL (RFC 5746 is in every version since 0.9.8m) and Postfix",),
        ("# install the Windows updates: Schannel supports RFC 5746 since KB977377",),
    )


def _client_renegotiation(subjects: tuple[str, ...]) -> FixLines:
    return FixLines(
        ("tls_ssl_options = NO_COMPRESSION, NO_RENEGOTIATION",),
        (
            f"New-ItemProperty -Path '{SCHANNEL}' -Name DisableRenegoOnServer -Value 1 "
            "-PropertyType DWord -Force",
        ),
    )


def _certificate(subjects: tuple[str, ...]) -> FixLines:
    postfix = (
        "# a new key and a SHA-256-signed certificate for it, e.g. ECDSA P-256:",
        "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -nodes "
        "-keyout /etc/postfix/mx.key -out /etc/postfix/mx.csr -subj /CN=<mx host>",
        "smtpd_tls_chain_files = /etc/postfix/mx.key, /etc/postfix/mx-fullchain.pem",
    )
    exchange = (
        "New-ExchangeCertificate -GenerateRequest -KeySize 3072 -SubjectName "
        '"CN=<mx host>" -DomainName <mx host> -RequestFile C:\\cert\\mx.req',
        "Import-ExchangeCertificate -FileData ([System.IO.File]::ReadAllBytes("
        "'C:\\cert\\mx.cer')) | Enable-ExchangeCertificate -Services SMTP",
    )
    return FixLines(postfix, exchange)


_BUILDERS = {
    q.VERSION: _versions,
    q.CIPHER: _ciphers,
    q.EC_GROUP: _ec_groups,
    q.DH_GROUP: _dh_groups,
    q.KEX_HASH: _kex_hash,
    q.COMPRESSION: _compression,
    q.SECURE_RENEGOTIATION: _secure_renegotiation,
    q.CLIENT_RENEGOTIATION: _client_renegotiation,
    q.CERT_KEY: _certificate,
    q.CERT_SIGNATURE: _certificate,
}
