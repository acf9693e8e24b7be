"""TLS server configurations of the lab's SMTP servers, one per NCSC category (issue 19).

The lab serves with the system's OpenSSL 3 (Python's ssl), which can still be made to
accept TLS 1.0/1.1, CBC-SHA1 suites, a 1024-bit DH group, client-initiated
renegotiation and RSA-1024 or SHA-1-signed certificates (security level 0). Python's ssl
cannot choose TLS 1.3 suites per context, so the server process reads OPENSSL_CONF
(openssl-lab.cnf beside this file): TLS 1.3 with AES-256-GCM and ChaCha20 only, the
two suites NCSC calls good, for every lab server. What it
cannot serve at all, and so no lab scenario shows for real (docs/lab.md): SSLv2 and
SSLv3 (Debian builds OpenSSL without them), RC4 and export suites (removed from
OpenSSL's TLS), TLS compression (Debian's OpenSSL 3 is built without zlib: a server context
that allows compression still negotiates none), and a server without
secure renegotiation (OpenSSL always answers RFC 5746).
"""

import ssl
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dh

SSL_OP_ALLOW_CLIENT_RENEGOTIATION = 1 << 8  # OpenSSL 3.0 include/openssl/ssl.h.in

# profile -> the certificate kind it needs (lab.pki.CERTIFICATE_KINDS)
PROFILES: dict[str, str] = {
    "default": "",  # Python's server defaults, the rest of the lab
    "ncsc_good": "good",  # TLS 1.3 only, AES-256-GCM/ChaCha20, X25519/P-256/P-384
    "ncsc_sufficient": "good",  # TLS 1.2 and 1.3, ECDHE with AEAD only
    "tls10": "good",  # TLS 1.0 and 1.1 accepted
    "weak_cipher": "good",  # CBC with SHA-1 accepted in TLS 1.2
    "weak_dh": "rsa2048",  # DHE with a 1024-bit custom group
    "client_renegotiation": "good",  # TLS 1.2, renegotiation started by the client allowed
    "rsa1024": "rsa1024",  # an RSA-1024 certificate
    "sha1_cert": "sha1",  # a certificate signed with SHA-1
}
_AEAD_ECDHE = (
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256"
)


def server_context(profile: str, chain_path: str, key_path: str, state: Path) -> ssl.SSLContext:
    """A server context for `profile`, its certificate loaded."""
    if profile not in PROFILES:
        raise ValueError(f"unknown TLS profile {profile!r}")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if profile != "default":
        context.options |= ssl.OP_NO_RENEGOTIATION
        context.set_ciphers(_AEAD_ECDHE)
        context.set_ecdh_curve("prime256v1")
    _configure(context, profile, state)
    context.load_cert_chain(chain_path, key_path)
    return context


def _configure(context: ssl.SSLContext, profile: str, state: Path) -> None:
    if profile == "ncsc_good":
        context.minimum_version = ssl.TLSVersion.TLSv1_3
    elif profile == "tls10":
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.set_ciphers(f"{_AEAD_ECDHE}:ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0")
    elif profile == "weak_cipher":
        context.set_ciphers(
            f"{_AEAD_ECDHE}:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-DES-CBC3-SHA:@SECLEVEL=0"
        )
    elif profile == "weak_dh":
        context.set_ciphers(f"{_AEAD_ECDHE}:DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0")
        context.load_dh_params(str(weak_dh_params(state)))
    elif profile == "client_renegotiation":
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.options &= ~ssl.OP_NO_RENEGOTIATION
        # OpenSSL 3 refuses client renegotiation unless asked (no name in Python's ssl).
        context.options |= SSL_OP_ALLOW_CLIENT_RENEGOTIATION
    elif profile in ("rsa1024", "sha1_cert"):
        context.set_ciphers(f"{_AEAD_ECDHE}:@SECLEVEL=0")


def weak_dh_params(state: Path) -> Path:
    """A 1024-bit DH group of our own, generated once per lab state (a few seconds)."""
    path = state / "dh1024.pem"
    if not path.exists():
        params = dh.generate_parameters(generator=2, key_size=1024)
        path.write_bytes(
            params.parameter_bytes(serialization.Encoding.PEM, serialization.ParameterFormat.PKCS3)
        )
    return path
