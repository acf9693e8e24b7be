"""A small cast for the dashboard: one organisation fully DANE-secured, one STARTTLS only,
one unreachable, one with a hostile name; three scans, the middle one a measurement round."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from measurement.evaluate.outcomes import DOMAIN_CHECKS
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
from tests.dashboard.cast_evidence import Profile, probe_observation, self_signed, stored_evidence

P, F, NA, NT = Outcome.PASS, Outcome.FAIL, Outcome.NOT_APPLICABLE, Outcome.NOT_TESTABLE
HOSTILE_NAME = "<script>alert('x')</script> Gemeente"


def _verdicts(**kwargs) -> dict:
    base = dict.fromkeys(DOMAIN_CHECKS, F)
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
            evidence=stored_evidence(name, profile, spki_hash, verdicts),
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
            observation=probe_observation(profile, der),
        )
        domain.latest_result = result
        domain.save(update_fields=["latest_result"])


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
