"""The lab CA and per-host certificates, generated at `up` into the state directory."""

import datetime
import hashlib
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# no_aki: issued by the lab CA without an Authority Key Identifier, which the strict
# CA/Browser Forum profile of cryptography's verifier refuses. rsa2048, rsa1024, sha1:
# the TLS (NCSC) scenarios' certificates (an RSA key, a SHA-1 signature).
CERTIFICATE_KINDS = (
    "good", "expired", "self_signed", "wrong_name", "no_aki", "rsa2048", "rsa1024", "sha1"
)  # fmt: skip
_RSA_BITS = {"rsa2048": 2048, "rsa1024": 1024}
_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Issued:
    """One host's certificate and key as PEM files, plus the DER forms TLSA records need."""

    name: str
    kind: str
    cert_path: Path
    key_path: Path
    chain_path: Path  # leaf followed by the CA certificate
    leaf_der: bytes
    spki_der: bytes


@dataclass(frozen=True)
class Authority:
    """The lab CA: one self-signed root, trusted for PKIX (MTA-STS) and usable as DANE-TA."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    pem_path: Path

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Mailbeveiliging lab"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def create_authority(directory: Path) -> Authority:
    """Create a fresh lab CA in `directory` (ca.pem, ca.key)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name("Mailbeveiliging lab CA")
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _DAY)
        .not_valid_after(now + 3650 * _DAY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem_path = directory / "ca.pem"
    pem_path.write_bytes(_pem(cert))
    _write_key(directory / "ca.key", key)
    return Authority(cert=cert, key=key, pem_path=pem_path)


def issue(authority: Authority, directory: Path, name: str, kind: str = "good") -> Issued:
    """Issue a certificate for host `name`; `kind` picks a defect (CERTIFICATE_KINDS).

    Files are named after the host and kind, so a scenario can find them again:
    <name>.<kind>.crt, .key and .chain.pem.
    """
    if kind not in CERTIFICATE_KINDS:
        raise ValueError(f"unknown certificate kind {kind!r}")
    directory.mkdir(parents=True, exist_ok=True)
    key = (
        rsa.generate_private_key(65537, _RSA_BITS[kind])
        if kind in _RSA_BITS
        else ec.generate_private_key(ec.SECP256R1())
    )
    now = _now()
    dns_name = f"wrong-name.{name}.invalid" if kind == "wrong_name" else name
    not_before, not_after = now - _DAY, now + 365 * _DAY
    if kind == "expired":
        not_before, not_after = now - 400 * _DAY, now - 30 * _DAY
    builder = _leaf_builder(authority, key, dns_name, kind, not_before, not_after)
    signing_key = key if kind == "self_signed" else authority.key
    cert = builder.sign(signing_key, hashes.SHA256())
    if kind == "sha1":
        cert = _signed_with_sha1(authority, key, dns_name, directory)
    cert_path, key_path, chain_path = _write_files(
        directory / f"{name}.{kind}", cert, key, authority, kind
    )
    return Issued(
        name=name,
        kind=kind,
        cert_path=cert_path,
        key_path=key_path,
        chain_path=chain_path,
        leaf_der=cert.public_bytes(serialization.Encoding.DER),
        spki_der=key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    )


def _leaf_builder(
    authority: Authority,
    key,
    dns_name: str,
    kind: str,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
) -> x509.CertificateBuilder:
    """A server certificate for `dns_name` as the Web PKI wants it, but for `kind`'s defect."""
    subject = _name(dns_name)
    issuer = subject if kind == "self_signed" else authority.cert.subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if kind not in ("self_signed", "no_aki"):
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()),
            critical=False,
        )
    return builder


def _write_files(stem: Path, cert: x509.Certificate, key, authority: Authority, kind: str):
    """The certificate, its key and its chain (with the lab CA) as PEM files beside stem."""
    cert_path, key_path, chain_path = (
        Path(f"{stem}.crt"),
        Path(f"{stem}.key"),
        Path(f"{stem}.chain.pem"),
    )
    cert_path.write_bytes(_pem(cert))
    _write_key(key_path, key)
    chain_path.write_bytes(_pem(cert) + (b"" if kind == "self_signed" else _pem(authority.cert)))
    return cert_path, key_path, chain_path


def _signed_with_sha1(
    authority: Authority, key, dns_name: str, directory: Path
) -> x509.Certificate:
    """A leaf signed by the lab CA with SHA-1. cryptography refuses to sign with SHA-1, so
    the openssl command does it (the TLS (NCSC) scenario of a SHA-1-signed certificate)."""
    with tempfile.TemporaryDirectory(dir=directory) as work:
        folder = Path(work)
        _write_key(folder / "leaf.key", key)
        csr = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(_name(dns_name))
            .sign(key, hashes.SHA256())
        )
        (folder / "leaf.csr").write_bytes(csr.public_bytes(serialization.Encoding.PEM))
        (folder / "ext.cnf").write_text(
            f"subjectAltName=DNS:{dns_name}\nbasicConstraints=critical,CA:FALSE\n"
            "extendedKeyUsage=serverAuth,clientAuth\n"
        )
        subprocess.run(
            ["openssl", "x509", "-req", "-sha1", "-days", "365", "-set_serial", "4660",
             "-in", folder / "leaf.csr", "-CA", authority.pem_path,
             "-CAkey", authority.pem_path.with_suffix(".key"), "-extfile", folder / "ext.cnf",
             "-out", folder / "leaf.crt"],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return x509.load_pem_x509_certificate((folder / "leaf.crt").read_bytes())


def spare_spki() -> bytes:
    """The public key of a fresh key pair that no server uses: a 'next key' or a mismatch."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha512_hex(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


def load_authority(cert_path: Path, key_path: Path) -> Authority:
    """The lab CA from its files (the server process issues scale-mode certificates)."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    return Authority(cert=cert, key=key, pem_path=cert_path)
