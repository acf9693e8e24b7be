"""A small PKI made once per test session: root CA, intermediate, leaves of every kind."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Issued:
    cert: x509.Certificate
    key: object

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Testlab"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def make_certificate(
    cn: str,
    *,
    issuer: Issued | None = None,
    names: tuple[str, ...] = (),
    ca: bool = False,
    not_before: datetime = NOW - timedelta(days=30),
    not_after: datetime = NOW + timedelta(days=60),
    key: object | None = None,
    authority_key_id: bool = True,
) -> Issued:
    """A certificate shaped like the Web PKI wants it (cryptography's verifier is strict)."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(issuer.cert.subject if issuer else _name(cn))
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if issuer and authority_key_id:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    if ca:
        builder = builder.add_extension(
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
    else:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
    if names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
        )
    signer = issuer.key if issuer else key
    algorithm = None if _is_eddsa(signer) else hashes.SHA256()
    return Issued(builder.sign(signer, algorithm), key)


def _is_eddsa(key: object) -> bool:
    from cryptography.hazmat.primitives.asymmetric import ed448, ed25519

    return isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey)


@dataclass(frozen=True)
class Pki:
    root: Issued
    intermediate: Issued
    leaf: Issued  # mx1.example.nl, issued by the intermediate
    leaf_next_key: Issued  # same names, a new key (the rollover's next key)
    expired_leaf: Issued
    wrong_name_leaf: Issued
    wildcard_leaf: Issued  # *.example.nl
    partial_wildcard_leaf: Issued  # mx*.example.nl
    self_signed: Issued
    rsa_leaf: Issued  # RSA signed by an RSA root: exercises PKCS#1 v1.5
    rsa_root: Issued
    other_root: Issued  # an unrelated CA
    mta_sts_leaf: Issued  # mta-sts.example.nl

    def chain(self, leaf: Issued, *, with_root: bool = False) -> tuple[bytes, ...]:
        parts = [leaf.der, self.intermediate.der]
        if with_root:
            parts.append(self.root.der)
        return tuple(parts)


@pytest.fixture(scope="session")
def pki() -> Pki:
    root = make_certificate("Testlab Root CA", ca=True, not_after=NOW + timedelta(days=3650))
    intermediate = make_certificate("Testlab Issuing CA", issuer=root, ca=True)
    rsa_root = make_certificate(
        "Testlab RSA Root",
        ca=True,
        key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )
    return Pki(
        root=root,
        intermediate=intermediate,
        leaf=make_certificate("mx1.example.nl", issuer=intermediate, names=("mx1.example.nl",)),
        leaf_next_key=make_certificate(
            "mx1.example.nl", issuer=intermediate, names=("mx1.example.nl",)
        ),
        expired_leaf=make_certificate(
            "mx1.example.nl",
            issuer=intermediate,
            names=("mx1.example.nl",),
            not_before=NOW - timedelta(days=400),
            not_after=NOW - timedelta(days=10),
        ),
        wrong_name_leaf=make_certificate(
            "mail.elders.nl", issuer=intermediate, names=("mail.elders.nl",)
        ),
        wildcard_leaf=make_certificate(
            "*.example.nl", issuer=intermediate, names=("*.example.nl",)
        ),
        partial_wildcard_leaf=make_certificate(
            "mx*.example.nl", issuer=intermediate, names=("mx*.example.nl",)
        ),
        self_signed=make_certificate("mx1.example.nl", names=("mx1.example.nl",)),
        rsa_leaf=make_certificate("mx1.example.nl", issuer=rsa_root, names=("mx1.example.nl",)),
        rsa_root=rsa_root,
        other_root=make_certificate("Other Root CA", ca=True),
        mta_sts_leaf=make_certificate(
            "mta-sts.example.nl", issuer=intermediate, names=("mta-sts.example.nl",)
        ),
    )


@pytest.fixture(scope="module")
def store(pki):
    """A trust store of the test PKI's root, as the verdict tests judge with."""
    from measurement.evaluate import pkix

    return pkix.TrustStore([pki.root.cert])


@pytest.fixture
def dane_domain(pki):
    """One MX with a matching 3 1 1 record and a next-key record: everything passes."""
    from tests.measurement.evaluate.observation_builders import fully_secured_domain

    return fully_secured_domain(pki)
