"""A small cast for the dashboard: one organisation fully DANE-secured, one STARTTLS only,
one unreachable, one with a hostile name; three scans, the middle one a measurement round."""

import base64
import datetime
import hashlib
from dataclasses import dataclass

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils import timezone

from measurement.models import (
    Domain,
    DomainResult,
    HostResult,
    Organisation,
    Outcome,
    Scan,
    Sector,
)
from measurement.scan.store import store_aggregates

P, F, NA, NT = Outcome.PASS, Outcome.FAIL, Outcome.NOT_APPLICABLE, Outcome.NOT_TESTABLE
HOSTILE_NAME = "<script>alert('x')</script> Gemeente"


def self_signed(host: str) -> tuple[bytes, bytes]:
    """A throw-away certificate for `host` (DER) and its SPKI SHA-256 (a 3 1 1 TLSA value)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return cert.public_bytes(serialization.Encoding.DER), hashlib.sha256(spki).digest()


def _answer(qname: str, rdtype: str, status: str, records=()) -> dict:
    return {
        "qname": qname,
        "rdtype": rdtype,
        "rcode": "NOERROR",
        "status": status,
        "records": list(records),
        "cname_chain": [],
        "ede": [],
        "resolver": "127.53.0.2",
    }


@dataclass(frozen=True)
class Profile:
    """How one domain looks in every scan: verdicts, reasons, MX hosts, probe outcome."""

    verdicts: dict
    reasons: dict
    mx_host: str
    address: str
    probe_outcome: str
    starttls: bool | None
    tls_version: str
    dnssec: str
    mta_sts_mode: str = ""


def _verdicts(**kwargs) -> dict:
    base = dict.fromkeys(
        ("mx", "dnssec", "starttls", "dane", "dane_end_to_end", "dane_rollover",
         "starttls_dane", "mta_sts", "tls_rpt"), F,
    )  # fmt: skip
    base["mx"] = P
    base.update(kwargs)
    return base


PROFILES = {
    "veiligstad.nl": Profile(
        verdicts=_verdicts(
            dnssec=P,
            starttls=P,
            dane=P,
            dane_end_to_end=P,
            dane_rollover=P,
            starttls_dane=P,
            mta_sts=P,
            tls_rpt=P,
        ),  # fmt: skip
        reasons={},
        mx_host="mx1.veiligstad.nl",
        address="192.0.2.10",
        probe_outcome="ok",
        starttls=True,
        tls_version="TLSv1.3",
        dnssec="secure",
        mta_sts_mode="enforce",
    ),
    "alleenstarttls.nl": Profile(
        verdicts=_verdicts(starttls=P),
        reasons={
            "dnssec": ["mx_insecure"],
            "dane": ["tlsa_missing"],
            "starttls_dane": ["dane_failed"],
            "mta_sts": ["=cmd|' /C calc'!A0"],  # a hostile reason code, for the exports
            "tls_rpt": ["no_record"],
        },
        mx_host="alleenstarttls-nl.mail.protection.outlook.com",
        address="192.0.2.20",
        probe_outcome="ok",
        starttls=True,
        tls_version="TLSv1.2",
        dnssec="insecure",
        mta_sts_mode="testing",
    ),
    "onbereikbaar.nl": Profile(
        verdicts=_verdicts(
            dnssec=P,
            starttls=NT,
            dane=F,
            dane_end_to_end=F,
            dane_rollover=F,
            starttls_dane=NT,
            mta_sts=NA,
            tls_rpt=F,
        ),
        # TLSA existence is judged from DNS alone (DESIGN.md section 2): no TLSA is a
        # DANE fail even when the server does not answer; STARTTLS is not testable.
        reasons={"starttls": ["smtp_timeout"], "dane": ["no_tlsa"], "tls_rpt": ["no_record"]},
        mx_host="mail.onbereikbaar.nl",
        address="192.0.2.30",
        probe_outcome="timeout",
        starttls=None,
        tls_version="",
        dnssec="secure",
    ),
    "script.example.nl": Profile(
        verdicts=_verdicts(starttls=P),
        reasons={"dane": ["<img src=x onerror=alert(1)>"]},
        mx_host="mx.script.example.nl",
        address="2001:db8::25",
        probe_outcome="ok",
        starttls=True,
        tls_version="TLSv1.3",
        dnssec="insecure",
    ),
}


@dataclass(frozen=True)
class Cast:
    secure: Organisation
    starttls_only: Organisation
    unreachable: Organisation
    hostile: Organisation
    scans: tuple[Scan, ...]  # oldest first; scans[1] is the round

    @property
    def round(self) -> Scan:
        return self.scans[1]

    @property
    def latest(self) -> Scan:
        return self.scans[-1]


def build_cast() -> Cast:
    """Create the cast with the ORM and aggregate every scan as a finished scan is."""
    orgs = _organisations()
    domains = {
        name: Domain.objects.create(name=name, organisation=org, source="manual")
        for name, org in orgs.items()
    }
    certificates = {name: self_signed(p.mx_host) for name, p in PROFILES.items()}
    now = timezone.now()
    scans = []
    for index, (kind, label) in enumerate(
        [(Scan.Kind.SCHEDULED, ""), (Scan.Kind.ROUND, "Nulmeting 2026"), (Scan.Kind.SCHEDULED, "")]
    ):
        created = now - datetime.timedelta(days=14 - 7 * index)
        scan = Scan.objects.create(
            kind=kind, name=label, status=Scan.Status.FINISHED, is_frozen=kind == Scan.Kind.ROUND,
            methodology_version="1.0", scanner_version="test", created_at=created,
            started_at=created, finished_at=created + datetime.timedelta(minutes=1),
            domains_total=len(domains), domains_done=len(domains),
            checksum="ab" * 32 if kind == Scan.Kind.ROUND else "",
        )  # fmt: skip
        _store_results(scan, created, first=index == 0, domains=domains, certificates=certificates)
        store_aggregates(scan, scan.methodology_version)
        scans.append(scan)
    return Cast(
        secure=orgs["veiligstad.nl"],
        starttls_only=orgs["alleenstarttls.nl"],
        unreachable=orgs["onbereikbaar.nl"],
        hostile=orgs["script.example.nl"],
        scans=tuple(scans),
    )


def _organisations() -> dict[str, Organisation]:
    """The cast's organisations by the name of their one domain."""
    return {
        "veiligstad.nl": Organisation.objects.create(
            name="Gemeente Veiligstad", abbreviation="GV", sector=Sector.GEMEENTE,
            source="manual", slug="gemeente-veiligstad",
        ),
        "alleenstarttls.nl": Organisation.objects.create(
            name="Ministerie van Alleen STARTTLS", abbreviation="MAS", sector=Sector.RIJK,
            source="manual", slug="ministerie-van-alleen-starttls",
        ),
        "onbereikbaar.nl": Organisation.objects.create(
            name="Waterschap Onbereikbaar", abbreviation="WO", sector=Sector.WATERSCHAP,
            source="manual", slug="waterschap-onbereikbaar",
        ),
        "script.example.nl": Organisation.objects.create(
            name=HOSTILE_NAME, abbreviation="<b>x</b>", sector=Sector.SEMI_PUBLIEK,
            source="manual", slug="script-gemeente",
        ),
    }  # fmt: skip


def _store_results(scan: Scan, created, *, first: bool, domains: dict, certificates: dict) -> None:
    """Each domain's judged result and probe in one scan, as its latest result."""
    for name, domain in domains.items():
        profile = PROFILES[name]
        verdicts = dict(profile.verdicts)
        if first and name == "veiligstad.nl":
            verdicts.update(dane=F, starttls_dane=F)  # it got DANE after the first scan
        der, spki_hash = certificates[name]
        result = DomainResult.objects.create(
            scan=scan,
            domain=domain,
            domain_name=name,
            organisation=domain.organisation,
            sector=domain.organisation.sector,
            methodology_version="1.0",
            judged_at=created,
            mta_sts_mode=profile.mta_sts_mode,
            reasons=profile.reasons,
            evidence=_evidence(name, profile, spki_hash, verdicts),
            **verdicts,
        )
        HostResult.objects.create(
            scan=scan,
            host=profile.mx_host,
            address=profile.address,
            outcome=profile.probe_outcome,
            detail="no greeting within 30 s" if profile.probe_outcome == "timeout" else "",
            starttls=profile.starttls,
            tls_version=profile.tls_version,
            cipher="TLS_AES_256_GCM_SHA384" if profile.tls_version else "",
            observation={
                "host": profile.mx_host,
                "address": profile.address,
                "outcome": profile.probe_outcome,
                "chain": [base64.b64encode(der).decode()] if profile.starttls else [],
                "transcript": ["S: 220 mx ESMTP", "C: EHLO scanner"],
            },
        )
        domain.latest_result = result
        domain.save(update_fields=["latest_result"])


def _evidence(name: str, profile: Profile, spki_hash: bytes, verdicts: dict) -> dict:
    host = profile.mx_host
    has_tlsa = name == "veiligstad.nl"
    tlsa = [{"usage": 3, "selector": 1, "matching_type": 1,
             "data": base64.b64encode(spki_hash).decode()}] if has_tlsa else []  # fmt: skip
    return {
        "mx": [{"preference": 10, "host": host}],
        "observation": {
            "domain": name,
            "mx": {
                "domain": name,
                "answer": _answer(name, "MX", profile.dnssec, [f"10 {host}."]),
                "hosts": [{"preference": 10, "host": host}],
                "null_mx": False,
                "skipped": 0,
            },
            "hosts": [
                {
                    "host": host,
                    "a": _answer(host, "A", profile.dnssec, [profile.address]),
                    "aaaa": _answer(host, "AAAA", profile.dnssec),
                    "tlsa": _answer(
                        f"_25._tcp.{host}",
                        "TLSA",
                        profile.dnssec,
                        [f"3 1 1 {spki_hash.hex()}"] if has_tlsa else [],
                    ),
                    "tlsa_base_domain": host,
                    "tlsa_records": tlsa,
                }
            ],
            "mta_sts": {
                "domain": name,
                "txt": _answer(
                    f"_mta-sts.{name}",
                    "TXT",
                    profile.dnssec,
                    ["v=STSv1; id=20260101"] if profile.mta_sts_mode else [],
                ),
                "policy_url": f"https://mta-sts.{name}/.well-known/mta-sts.txt"
                if profile.mta_sts_mode
                else "",
                "policy_text": f"version: STSv1\nmode: {profile.mta_sts_mode}\nmx: {host}\n"
                "max_age: 86400\n"
                if profile.mta_sts_mode
                else "",
            },  # fmt: skip
        },
        "verdicts": _stored_verdicts(name, profile, spki_hash, verdicts),
    }


def _stored_verdicts(name: str, profile: Profile, spki_hash: bytes, verdicts: dict) -> dict:
    """The shape of measurement.evaluate.verdicts.DomainVerdicts.to_dict()."""
    host = profile.mx_host
    current = f"3 1 1 {spki_hash.hex()}"
    dane_passed = verdicts["dane"] == P
    publish = [] if dane_passed else [f"_25._tcp.{host}. IN TLSA {current}"]
    data = {
        check: {
            "outcome": outcome,
            "reasons": list(profile.reasons.get(check, [])),
            "details": {"publish": publish} if check == "dane" else {},
        }
        for check, outcome in verdicts.items()
    }
    address = {
        "address": profile.address,
        "probe_outcome": profile.probe_outcome,
        "starttls": {"outcome": verdicts["starttls"], "reasons": [], "details": {}},
        "dane": {
            "outcome": verdicts["dane"],
            "reasons": list(profile.reasons.get("dane", [])),
            "details": {"matched_record": current if dane_passed else None},
        },
        "tls_version": profile.tls_version,
        "cipher": "",
        "tlsa_to_publish": "" if dane_passed else current,
        "certificate": {
            "web_pki_valid": False,
            "reason": "self_signed",
            "names": [host],
            "not_after": "2027-01-01T00:00:00+00:00",
        }
        if profile.starttls
        else None,
    }
    data["hosts"] = [
        {
            "host": host,
            "preference": 10,
            "tlsa_base_domain": host,
            "tlsa_status": profile.dnssec,
            "tlsa_records": [current] if dane_passed else [],
            "address_status": [profile.dnssec],
            "dane": data["dane"],
            "rollover": {"holds": dane_passed, "reason": "" if dane_passed else "single_record"},
            "addresses": [address],
        }
    ]
    data.update(mta_sts_mode=profile.mta_sts_mode, methodology_version="1.0", domain=name)
    return data


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def empty_cache():
    """Figures of finished scans are cached by scan id; ids can repeat between tests."""
    from django.core.cache import cache

    from dashboard.queries import organisations

    cache.clear()
    organisations._SECTOR_ROWS.clear()
    yield
    cache.clear()
    organisations._SECTOR_ROWS.clear()
