"""Who runs the mail: MX hosts grouped per mail provider, with what one fix there would repair.

A host belongs to the first provider in PROVIDER_PATTERNS (the government's own, from the
MAIL_PROVIDER_PATTERNS setting, before the big platforms) whose pattern matches its name;
otherwise its provider is its registrable domain (Public Suffix List). A pattern "*.x.y"
matches any name under x.y, a name without "*" only itself.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from django.conf import settings
from django.utils.text import slugify

from dashboard.queries import registrable_domain
from measurement.evaluate import evidence
from measurement.models import DomainResult, Outcome, Scan

# The big platforms' MX host names (maintained here; add a platform when it shows up).
PLATFORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Microsoft 365", ("*.mail.protection.outlook.com", "*.mx.microsoft")),
    ("Google Workspace", ("*.google.com", "*.googlemail.com")),
    ("Proofpoint", ("*.pphosted.com", "*.ppe-hosted.com")),
    ("Mimecast", ("*.mimecast.com",)),
    ("Cisco Secure Email", ("*.iphmx.com",)),
    ("Amazon SES/WorkMail", ("*.amazonaws.com", "*.awsapps.com")),
    ("Mailprotect", ("*.mailprotect.be",)),
)
CHECKS = ("starttls", "dane", "mta_sts")
ROWS_KEPT = 8


def government_patterns() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The government's own providers from the setting: "Name=pattern pattern;Name=..."."""
    entries = []
    for part in str(getattr(settings, "MAIL_PROVIDER_PATTERNS", "") or "").split(";"):
        name, _sep, patterns = part.partition("=")
        if name.strip() and patterns.split():
            entries.append((name.strip(), tuple(p.lower() for p in patterns.split())))
    return tuple(entries)


def provider_of(host: str, patterns=None) -> str:
    """The provider's name for an MX host name."""
    host = host.strip().rstrip(".").lower()
    for name, globs in patterns if patterns is not None else government_patterns() + PLATFORMS:
        if any(fnmatchcase(host, glob) for glob in globs):
            return name
    return registrable_domain(host)


@dataclass(frozen=True, slots=True)
class DomainAtProvider:
    name: str
    organisation: str
    slug: str
    sector: str
    verdicts: dict[str, str]  # check -> outcome
    hosts: tuple[str, ...]  # this domain's MX hosts at the provider
    only_here: bool  # every MX host of the domain is at this provider


@dataclass(slots=True)
class Provider:
    name: str
    slug: str
    government: bool
    hosts: set[str] = field(default_factory=set)
    domains: list[DomainAtProvider] = field(default_factory=list)

    def passed(self, check: str) -> int:
        return sum(1 for d in self.domains if d.verdicts[check] == Outcome.PASS)

    def measured(self, check: str) -> int:
        return sum(1 for d in self.domains if d.verdicts[check] in (Outcome.PASS, Outcome.FAIL))

    def share(self, check: str) -> float | None:
        measured = self.measured(check)
        return round(100 * self.passed(check) / measured, 1) if measured else None

    def repairable(self, check: str) -> int:
        """Domains failing `check` whose MX hosts are all here: one fix here repairs them."""
        return sum(1 for d in self.domains if d.only_here and d.verdicts[check] == Outcome.FAIL)

    @property
    def organisations(self) -> int:
        return len({d.slug for d in self.domains})

    def figures(self) -> list[dict]:
        return [
            {
                "check": check,
                "passed": self.passed(check),
                "measured": self.measured(check),
                "share": self.share(check),
                "repairable": self.repairable(check),
            }
            for check in CHECKS
        ]


_BY_SCAN: OrderedDict[tuple, dict[str, Provider]] = OrderedDict()


def _hosts(mx) -> tuple[str, ...]:
    """The MX host names of a result's stored MX list, lower case, without the root dot."""
    return tuple(sorted({e.host.rstrip(".").lower() for e in evidence.read_mx(mx) if e.host}))


def _compute(scan: Scan) -> dict[str, Provider]:
    government = {name for name, _globs in government_patterns()}
    patterns = government_patterns() + PLATFORMS
    providers: dict[str, Provider] = {}
    rows = (
        DomainResult.objects.filter(scan=scan, methodology_version=scan.methodology_version)
        .values_list(
            "domain_name",
            "organisation__name",
            "organisation__slug",
            "sector",
            *CHECKS,
            "evidence__mx",
        )
        .order_by("domain_name")
    )
    for name, organisation, slug, sector, *verdicts, mx in rows.iterator(chunk_size=2000):
        hosts = _hosts(mx)
        by_provider: dict[str, list[str]] = {}
        for host in hosts:
            by_provider.setdefault(provider_of(host, patterns), []).append(host)
        for provider_name, own in by_provider.items():
            provider = providers.get(provider_name)
            if provider is None:
                provider = providers[provider_name] = Provider(
                    provider_name, slugify(provider_name), provider_name in government
                )
            provider.hosts.update(own)
            provider.domains.append(
                DomainAtProvider(
                    name,
                    organisation,
                    slug,
                    sector,
                    dict(zip(CHECKS, verdicts, strict=True)),
                    tuple(own),
                    len(by_provider) == 1,
                )
            )
    return providers


def providers(scan: Scan | None) -> dict[str, Provider]:
    """Every provider of a scan by slug, largest first; kept in this process per finished scan."""
    if scan is None:
        return {}
    key = (scan.pk, scan.methodology_version, str(getattr(settings, "MAIL_PROVIDER_PATTERNS", "")))
    found = _BY_SCAN.get(key) if scan.status == Scan.Status.FINISHED else None
    if found is None:
        computed = _compute(scan)
        ordered = sorted(computed.values(), key=lambda p: (-len(p.domains), p.name))
        found = {p.slug: p for p in ordered}
        if scan.status == Scan.Status.FINISHED:
            _BY_SCAN[key] = found
            while len(_BY_SCAN) > ROWS_KEPT:
                _BY_SCAN.popitem(last=False)
    return found


def host_states(scan: Scan, provider: Provider) -> list[dict]:
    """Per MX host of a provider: STARTTLS per probed address, DANE, and its domains' MTA-STS."""
    from measurement.models import HostResult

    probes: dict[str, list] = {}
    for host, starttls, outcome in HostResult.objects.filter(
        scan=scan, host__in=sorted(provider.hosts)
    ).values_list("host", "starttls", "outcome"):
        probes.setdefault(host.lower(), []).append((starttls, outcome))
    states = []
    for host in sorted(provider.hosts):
        domains = [d for d in provider.domains if host in d.hosts]
        seen = probes.get(host, [])
        states.append(
            {
                "host": host,
                "domains": len(domains),
                "starttls": _host_starttls(seen),
                "dane": _majority([d.verdicts["dane"] for d in domains]),
                "mta_sts": sum(1 for d in domains if d.verdicts["mta_sts"] == Outcome.PASS),
            }
        )
    return states


def _host_starttls(probes: list) -> str:
    if not probes:
        return Outcome.NOT_TESTABLE
    if all(starttls is True for starttls, _outcome in probes):
        return Outcome.PASS
    if any(starttls is False for starttls, _outcome in probes):
        return Outcome.FAIL
    return Outcome.NOT_TESTABLE


def _majority(outcomes: list[str]) -> str:
    """The DANE outcome the host's domains share (DANE depends on the host's TLSA records)."""
    counted = [o for o in outcomes if o]
    return max(set(counted), key=counted.count) if counted else ""
