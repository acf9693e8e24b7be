"""Named query functions behind every dashboard page, export and API response.

Figures come from SectorAggregate rows (computed once per scan) or from aggregation in
the database; no function loops in Python over all results of a scan.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from publicsuffixlist import PublicSuffixList

from measurement.evaluate import evidence
from measurement.evaluate.compliance import organisation_status, percentage
from measurement.models import (
    SIDE_BY_SIDE,
    Domain,
    DomainResult,
    HostResult,
    Organisation,
    Outcome,
    Scan,
    Sector,
    SectorAggregate,
)

# The standards the overview shows, in order (DESIGN.md section 2); mta_sts_testing is
# the pseudo-check "policy published in mode testing" stored by the aggregation.
STANDARDS: tuple[tuple[str, str], ...] = (
    ("starttls", _("STARTTLS")),
    ("dane", _("DANE")),
    ("starttls_dane", _("STARTTLS en DANE")),
    ("mta_sts", _("MTA-STS (enforce)")),
    ("mta_sts_testing", _("MTA-STS (testing)")),
    ("tls_rpt", _("TLS-RPT")),
    ("dnssec", _("DNSSEC")),
)
STANDARD_LABELS = dict(STANDARDS)
# Checks of a single domain, as shown on the scorecard and in exports.
DOMAIN_CHECKS: tuple[tuple[str, str], ...] = (
    ("mx", _("MX")),
    ("dnssec", _("DNSSEC")),
    ("starttls", _("STARTTLS")),
    ("dane", _("DANE")),
    ("dane_end_to_end", _("DANE, end-to-end")),
    ("dane_rollover", _("DANE-rollover")),
    ("starttls_dane", _("STARTTLS en DANE")),
    ("mta_sts", _("MTA-STS")),
    ("tls_rpt", _("TLS-RPT")),
)
# Checks shown per organisation in the sector table (status per standard).
TABLE_CHECKS = ("starttls", "dane", "starttls_dane", "mta_sts", "tls_rpt", "dnssec")
SIDE_BY_SIDE_LABELS = {
    "both": _("DANE en MTA-STS"),
    "dane_only": _("alleen DANE"),
    "mta_sts_only": _("alleen MTA-STS"),
    "neither": _("geen van beide"),
}
FULL_SCAN_KINDS = (Scan.Kind.SCHEDULED, Scan.Kind.FULL, Scan.Kind.ROUND)
MAX_SEARCH_LENGTH = 100
PROVIDER_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class Figure:
    """The counts behind one percentage: pass / (pass + fail), with what was not testable."""

    passed: int = 0
    failed: int = 0
    not_testable: int = 0
    not_applicable: int = 0
    errors: int = 0
    organisations_measured: int = 0
    organisations_compliant: int = 0

    @property
    def measured(self) -> int:
        return self.passed + self.failed

    @property
    def percentage(self) -> float | None:
        return percentage(self.passed, self.measured)

    @property
    def organisation_percentage(self) -> float | None:
        return percentage(self.organisations_compliant, self.organisations_measured)

    def __add__(self, other: "Figure") -> "Figure":
        return Figure(*(getattr(self, name) + getattr(other, name) for name in _FIGURE_FIELDS))


_FIGURE_FIELDS = (
    "passed",
    "failed",
    "not_testable",
    "not_applicable",
    "errors",
    "organisations_measured",
    "organisations_compliant",
)


def _figure(row: dict) -> Figure:
    return Figure(**{name: row.get(name) or 0 for name in _FIGURE_FIELDS})


# --- scans ---------------------------------------------------------------------------


def finished_scans() -> QuerySet[Scan]:
    """Finished scans of the whole register (scheduled and rounds), newest first."""
    return Scan.objects.filter(status=Scan.Status.FINISHED, kind__in=FULL_SCAN_KINDS).order_by(
        "-created_at"
    )


def latest_finished_scan() -> Scan | None:
    """The newest finished scan of the whole register: what the overview shows."""
    return finished_scans().first()


def finished_rounds() -> QuerySet[Scan]:
    return finished_scans().filter(kind=Scan.Kind.ROUND)


def methodology_versions() -> list[dict]:
    """Each methodology version with its first and last scan: the version history."""
    return list(
        Scan.objects.filter(status=Scan.Status.FINISHED)
        .values("methodology_version")
        .annotate(first=Min("created_at"), last=Max("created_at"), scans=Count("id"))
        .order_by("first")
    )


# --- sector statistics ----------------------------------------------------------------


def _aggregates(scan: Scan) -> QuerySet[SectorAggregate]:
    return SectorAggregate.objects.filter(scan=scan, methodology_version=scan.methodology_version)


@dataclass(frozen=True, slots=True)
class SectorStats:
    """Per sector (and in total) per check: the Figure of one scan."""

    scan: Scan | None
    by_sector: dict[str, dict[str, Figure]] = field(default_factory=dict)
    total: dict[str, Figure] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str, dict[str, Figure]]]:
        """(sector value, label, figures) for every sector in the fixed order, then none."""
        return [(value, label, self.by_sector.get(value, {})) for value, label in Sector.choices]


def sector_stats(scan: Scan | None) -> SectorStats:
    """The SectorAggregate rows of one scan as Figures per sector and check, plus totals."""
    if scan is None:
        return SectorStats(scan=None)
    by_sector: dict[str, dict[str, Figure]] = {}
    total: dict[str, Figure] = {}
    for row in _aggregates(scan).values("sector", "check_name", *_FIGURE_FIELDS):
        figure = _figure(row)
        by_sector.setdefault(row["sector"], {})[row["check_name"]] = figure
        total[row["check_name"]] = total.get(row["check_name"], Figure()) + figure
    return SectorStats(scan=scan, by_sector=by_sector, total=total)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    scan_id: int
    date: object
    kind: str
    name: str
    figures: dict[tuple[str, str], Figure]  # (sector, check) -> Figure
    totals: dict[str, Figure] = field(default_factory=dict)  # check -> summed over sectors

    @property
    def is_round(self) -> bool:
        return self.kind == Scan.Kind.ROUND


TREND_CHECKS = tuple(check for check, _label in STANDARDS)


def trend_by_sector(checks: tuple[str, ...], sector: str | None = None) -> list[TrendPoint]:
    """Per finished full scan, oldest first: the Figure per (sector, check), in one query."""
    rows = SectorAggregate.objects.filter(
        scan__status=Scan.Status.FINISHED,
        scan__kind__in=FULL_SCAN_KINDS,
        methodology_version=F("scan__methodology_version"),
        check_name__in=checks,
    )
    if sector:
        rows = rows.filter(sector=sector)
    rows = rows.values(
        "scan_id",
        "scan__created_at",
        "scan__kind",
        "scan__name",
        "sector",
        "check_name",
        *_FIGURE_FIELDS,
    ).order_by("scan__created_at", "scan_id")
    points: dict[int, TrendPoint] = {}
    for row in rows:
        point = points.get(row["scan_id"])
        if point is None:
            point = points[row["scan_id"]] = TrendPoint(
                scan_id=row["scan_id"],
                date=row["scan__created_at"],
                kind=row["scan__kind"],
                name=row["scan__name"],
                figures={},
            )
        figure = _figure(row)
        point.figures[(row["sector"], row["check_name"])] = figure
        point.totals[row["check_name"]] = point.totals.get(row["check_name"], Figure()) + figure
    return list(points.values())


def trend_total(point: TrendPoint, check: str) -> Figure:
    """The Figure of one check summed over the sectors of a trend point."""
    return point.totals.get(check) or Figure()


def side_by_side(scan: Scan | None) -> dict[str, dict[str, int]]:
    """Per sector and in total: domains with DANE and MTA-STS, one of them, or neither."""
    if scan is None:
        return {}
    result: dict[str, dict[str, int]] = {}
    kinds = [f"dane_vs_mta_sts:{kind}" for kind in SIDE_BY_SIDE]
    for row in (
        _aggregates(scan).filter(check_name__in=kinds).values("sector", "check_name", "passed")
    ):
        kind = row["check_name"].split(":", 1)[1]
        result.setdefault(row["sector"], dict.fromkeys(SIDE_BY_SIDE, 0))[kind] = row["passed"]
    total = dict.fromkeys(SIDE_BY_SIDE, 0)
    for counts in result.values():
        for kind in SIDE_BY_SIDE:
            total[kind] += counts[kind]
    result["total"] = total
    return result


def side_by_side_trend() -> list[TrendPoint]:
    return trend_by_sector(tuple(f"dane_vs_mta_sts:{kind}" for kind in SIDE_BY_SIDE))


# --- sector page ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    id: int
    name: str
    abbreviation: str
    slug: str
    sector: str
    domains: int
    checks: dict[str, dict]  # check -> {"passed", "measured", "not_testable", "status"}

    def share(self, check: str) -> float:
        entry = self.checks[check]
        return entry["passed"] / entry["measured"] if entry["measured"] else -1.0


_SECTOR_ROWS: OrderedDict[tuple, list[OrganisationRow]] = OrderedDict()
SECTOR_ROWS_KEPT = 32


def sector_organisation_rows(scan: Scan | None, sector: str | None) -> list[OrganisationRow]:
    """organisation_rows of a whole sector, kept in this process for finished scans.

    A finished scan's verdicts do not change (re-judging adds another methodology
    version), so the rows are aggregated once per scan, version and sector; kept as
    objects in memory because unpickling a thousand rows from a shared cache costs about
    as much as the query.
    """
    if scan is None or scan.status != Scan.Status.FINISHED:
        return organisation_rows(scan, sector)
    key = (scan.pk, scan.methodology_version, sector)
    rows = _SECTOR_ROWS.get(key)
    if rows is None:
        rows = _SECTOR_ROWS[key] = organisation_rows(scan, sector)
        while len(_SECTOR_ROWS) > SECTOR_ROWS_KEPT:
            _SECTOR_ROWS.popitem(last=False)
    return rows


def organisation_rows(
    scan: Scan | None,
    sector: str | None = None,
    query: str = "",
    organisation_ids: list[int] | None = None,
) -> list[OrganisationRow]:
    """Per organisation of a scan: counts per standard, aggregated in the database."""
    if scan is None:
        return []
    results = DomainResult.objects.filter(scan=scan, methodology_version=scan.methodology_version)
    if sector:
        results = results.filter(sector=sector)
    if organisation_ids is not None:
        results = results.filter(organisation_id__in=organisation_ids)
    query = clean_query(query)
    if query:
        results = results.filter(
            Q(organisation__name__icontains=query) | Q(organisation__abbreviation__icontains=query)
        )
    annotations = {"domains": Count("id")}
    for check in TABLE_CHECKS:
        annotations[f"{check}__pass"] = Count("id", filter=Q(**{check: Outcome.PASS}))
        annotations[f"{check}__fail"] = Count("id", filter=Q(**{check: Outcome.FAIL}))
        annotations[f"{check}__nt"] = Count("id", filter=Q(**{check: Outcome.NOT_TESTABLE}))
    rows = (
        results.values(
            "organisation_id",
            "organisation__name",
            "organisation__abbreviation",
            "organisation__slug",
            "organisation__sector",
        )
        .annotate(**annotations)
        .order_by("organisation__name")
    )
    return [
        OrganisationRow(
            id=row["organisation_id"],
            name=row["organisation__name"],
            abbreviation=row["organisation__abbreviation"],
            slug=row["organisation__slug"],
            sector=row["organisation__sector"],
            domains=row["domains"],
            checks={
                check: {
                    "passed": row[f"{check}__pass"],
                    "measured": row[f"{check}__pass"] + row[f"{check}__fail"],
                    "not_testable": row[f"{check}__nt"],
                    "status": organisation_status(
                        row[f"{check}__pass"],
                        row[f"{check}__fail"],
                        row[f"{check}__nt"],
                        row["domains"],
                    ),
                }
                for check in TABLE_CHECKS
            },
        )
        for row in rows
    ]


def sort_rows(rows: list[OrganisationRow], key: str, descending: bool) -> list[OrganisationRow]:
    """Sort the sector table by name or by the share of domains passing one standard."""
    if key in TABLE_CHECKS:
        return sorted(rows, key=lambda row: (row.share(key), row.name), reverse=descending)
    if key == "domains":
        return sorted(rows, key=lambda row: (row.domains, row.name), reverse=descending)
    return sorted(rows, key=lambda row: row.name.casefold(), reverse=descending)


def filter_rows(rows: list[OrganisationRow], check: str, status: str) -> list[OrganisationRow]:
    if check in TABLE_CHECKS and status in Outcome.values:
        return [row for row in rows if row.checks[check]["status"] == status]
    return rows


def distribution(rows: list[OrganisationRow]) -> dict[str, dict[str, int]]:
    """Per standard: how many organisations comply, fail, are not testable or have no mail."""
    counts = {
        check: dict.fromkeys(
            (Outcome.PASS, Outcome.FAIL, Outcome.NOT_TESTABLE, Outcome.NOT_APPLICABLE), 0
        )
        for check in TABLE_CHECKS
    }
    for row in rows:
        for check in TABLE_CHECKS:
            status = row.checks[check]["status"]
            if status in counts[check]:
                counts[check][status] += 1
    return counts


# --- providers --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _public_suffix_list() -> PublicSuffixList:
    return PublicSuffixList()


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """The provider of an MX host: its registrable domain under the Public Suffix List."""
    host = host.strip().rstrip(".").lower()
    return _public_suffix_list().privatesuffix(host) or host


@dataclass(frozen=True, slots=True)
class ProviderRow:
    provider: str
    hosts: int
    domains: int
    starttls: int
    dane: int
    mta_sts: int
    measured_starttls: int
    measured_dane: int
    measured_mta_sts: int

    def share(self, check: str) -> float | None:
        measured = getattr(self, f"measured_{check}")
        return percentage(getattr(self, check), measured)


_PROVIDER_CHECKS = ("starttls", "dane", "mta_sts")


def providers(scan: Scan | None, sector: str | None = None, limit: int = 25) -> list[ProviderRow]:
    """Mail providers behind a sector: MX hosts grouped by registrable domain, with adoption.

    The distinct MX host names are read in the database, mapped to their provider with the
    Public Suffix List (a few hundred names), and the domains are then counted per
    provider in the database, each domain once per provider however many of its MX hosts
    that provider runs.
    """
    if scan is None:
        return []
    # A finished scan's results do not change (re-judging adds a new methodology
    # version), so the figures are computed once per scan, version and sector.
    key = f"dashboard:providers:{scan.pk}:{scan.methodology_version}:{sector}:{limit}"
    compute = _providers_postgresql if connection.vendor == "postgresql" else _providers_portable
    if scan.status != Scan.Status.FINISHED:
        return compute(scan, sector, limit)
    return cache.get_or_set(key, lambda: compute(scan, sector, limit), PROVIDER_CACHE_SECONDS)


def _providers_postgresql(scan: Scan, sector: str | None, limit: int) -> list[ProviderRow]:
    where = "dr.scan_id = %s AND dr.methodology_version = %s"
    params: list = [scan.id, scan.methodology_version]
    if sector:
        where += " AND dr.sector = %s"
        params.append(sector)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT DISTINCT lower(mx_entry->>'host') FROM measurement_domainresult dr,
                jsonb_array_elements(CASE WHEN jsonb_typeof(dr.evidence->'mx') = 'array'
                THEN dr.evidence->'mx' ELSE '[]'::jsonb END) mx_entry WHERE {where}""",
            params,
        )
        hosts = [row[0] for row in cursor.fetchall() if row[0]]
        if not hosts:
            return []
        names = [registrable_domain(host) for host in hosts]
        hosts_per_provider: dict[str, int] = {}
        for name in names:
            hosts_per_provider[name] = hosts_per_provider.get(name, 0) + 1
        counts = ", ".join(
            f"count(*) FILTER (WHERE {c} = 'pass'), count(*) FILTER (WHERE {c} IN ('pass', 'fail'))"
            for c in _PROVIDER_CHECKS
        )
        # One row per (domain, provider) first, so that a domain with two MX hosts at one
        # provider counts once; then plain counts per provider.
        cursor.execute(
            f"""WITH entries AS MATERIALIZED (
                  SELECT dr.id, lower(mx_entry->>'host') AS host,
                         dr.starttls, dr.dane, dr.mta_sts
                  FROM measurement_domainresult dr,
                  jsonb_array_elements(CASE WHEN jsonb_typeof(dr.evidence->'mx') = 'array'
                  THEN dr.evidence->'mx' ELSE '[]'::jsonb END) mx_entry
                  WHERE {where}),
                map AS MATERIALIZED (
                  SELECT * FROM unnest(%s::text[], %s::text[]) AS m(host, provider)),
                pairs AS (
                  SELECT DISTINCT entries.id, map.provider,
                         entries.starttls, entries.dane, entries.mta_sts
                  FROM entries JOIN map ON map.host = entries.host)
                SELECT provider, 0, count(*), {counts} FROM pairs
                GROUP BY provider ORDER BY count(*) DESC, provider LIMIT %s""",
            [*params, hosts, names, limit],
        )
        return [
            _provider_row((row[0], hosts_per_provider.get(row[0], 0), *row[2:]))
            for row in cursor.fetchall()
        ]


def _provider_row(row) -> ProviderRow:
    provider, hosts, domains, sp, sm, dp, dm, mp, mm = row
    return ProviderRow(provider, hosts, domains, sp, dp, mp, sm, dm, mm)


def _providers_portable(scan: Scan, sector: str | None, limit: int) -> list[ProviderRow]:
    """The same figures on SQLite (the embedded demo database), grouped per provider here."""
    results = DomainResult.objects.filter(scan=scan, methodology_version=scan.methodology_version)
    if sector:
        results = results.filter(sector=sector)
    groups: dict[str, dict] = {}
    for result_id, stored, *verdicts in results.values_list(
        "id", "evidence", *_PROVIDER_CHECKS
    ).iterator():
        for entry in evidence.read(stored).mx:
            host = entry.host.lower()
            if not host:
                continue
            group = groups.setdefault(registrable_domain(host), {"hosts": set(), "ids": {}})
            group["hosts"].add(host)
            group["ids"][result_id] = verdicts
    rows = []
    for provider, group in groups.items():
        verdicts = list(group["ids"].values())
        counts = []
        for index in range(len(_PROVIDER_CHECKS)):
            counts.append(sum(1 for v in verdicts if v[index] == Outcome.PASS))
            counts.append(sum(1 for v in verdicts if v[index] in (Outcome.PASS, Outcome.FAIL)))
        rows.append(_provider_row((provider, len(group["hosts"]), len(verdicts), *counts)))
    rows.sort(key=lambda row: (-row.domains, row.provider))
    return rows[:limit]


# --- organisation scorecard ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProbeEvidence:
    """One probed address of an MX host and what the judgement said about it."""

    probe: HostResult
    verdict: evidence.AddressEvidence | None


@dataclass(frozen=True, slots=True)
class HostEvidence:
    """One MX host of a domain: its DNS evidence, its judgement and its probed addresses."""

    preference: int | None
    host: str
    dns: dict
    verdict: evidence.HostEvidence | None  # tlsa_status, dane, rollover, addresses
    probes: list[ProbeEvidence]


@dataclass(frozen=True, slots=True)
class DomainCard:
    domain: Domain
    result: DomainResult | None
    hosts: list[HostEvidence]


def mx_hosts(result: DomainResult | None) -> list[dict]:
    """The MX set of a result's evidence: [{"preference": int, "host": str}], by preference."""
    if result is None:
        return []
    return evidence.to_builtins(evidence.read(result.evidence).mx_by_preference())


def _host_dns(result: DomainResult, host: str) -> dict:
    """The DNS evidence of one MX host if the evidence holds it (hosts: dict or list)."""
    evidence = result.evidence if isinstance(result.evidence, dict) else {}
    hosts = evidence.get("hosts")
    if hosts is None and isinstance(evidence.get("observation"), dict):
        hosts = evidence["observation"].get("hosts")  # the stored DomainObservation
    if isinstance(hosts, dict):
        found = hosts.get(host)
        return found if isinstance(found, dict) else {}
    if isinstance(hosts, list):
        for entry in hosts:
            if isinstance(entry, dict) and entry.get("host") == host:
                return entry
    return {}


def _probes_by_scan_and_host(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], list]:
    """HostResult rows for (scan id, host name) pairs, in one query, by address."""
    if not pairs:
        return {}
    condition = Q()
    for scan_id, hosts in _group_hosts(pairs).items():
        condition |= Q(scan_id=scan_id, host__in=hosts)
    probes: dict[tuple[int, str], list[HostResult]] = {}
    for probe in HostResult.objects.filter(condition).order_by("host", "address"):
        probes.setdefault((probe.scan_id, probe.host), []).append(probe)
    return probes


def _group_hosts(pairs: set[tuple[int, str]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for scan_id, host in sorted(pairs):
        grouped.setdefault(scan_id, []).append(host)
    return grouped


def _card(domain: Domain, result: DomainResult | None, probes: dict) -> DomainCard:
    if result is None:
        return DomainCard(domain=domain, result=None, hosts=[])
    hosts = []
    stored = evidence.read(result.evidence)
    for entry in stored.mx_by_preference():
        verdict = stored.verdicts.host(entry.host)
        hosts.append(
            HostEvidence(
                preference=entry.preference,
                host=entry.host,
                dns=_host_dns(result, entry.host),
                verdict=verdict,
                probes=[
                    ProbeEvidence(
                        probe=probe,
                        verdict=verdict.address(str(probe.address)) if verdict else None,
                    )
                    for probe in probes.get((result.scan_id, entry.host.lower()), [])
                ],
            )
        )
    return DomainCard(domain=domain, result=result, hosts=hosts)


def domain_card(domain: Domain, result: DomainResult | None = None) -> DomainCard:
    """A domain's latest (or given) result with, per MX host, its DNS evidence and probes."""
    result = result if result is not None else domain.latest_result
    pairs = {(result.scan_id, e["host"].lower()) for e in mx_hosts(result)} if result else set()
    return _card(domain, result, _probes_by_scan_and_host(pairs))


def organisation_domains(organisation: Organisation) -> list[DomainCard]:
    """Each active mail domain of an organisation with its latest result and evidence."""
    domains = list(
        organisation.domains.filter(is_active=True)
        .select_related("latest_result", "latest_result__scan")
        .order_by("name")
    )
    pairs = {
        (d.latest_result.scan_id, e["host"].lower())
        for d in domains
        if d.latest_result is not None
        for e in mx_hosts(d.latest_result)
    }
    probes = _probes_by_scan_and_host(pairs)
    return [_card(domain, domain.latest_result, probes) for domain in domains]


def organisation_history(organisation: Organisation) -> list[dict]:
    """Per finished scan since the first: how many of its domains passed each standard."""
    annotations = {"domains": Count("id")}
    for check in TABLE_CHECKS:
        annotations[f"{check}__pass"] = Count("id", filter=Q(**{check: Outcome.PASS}))
        annotations[f"{check}__fail"] = Count("id", filter=Q(**{check: Outcome.FAIL}))
        annotations[f"{check}__nt"] = Count("id", filter=Q(**{check: Outcome.NOT_TESTABLE}))
    rows = (
        DomainResult.objects.filter(
            organisation=organisation,
            scan__status=Scan.Status.FINISHED,
            methodology_version=F("scan__methodology_version"),
        )
        .values("scan_id", "scan__created_at", "scan__kind", "scan__name")
        .annotate(**annotations)
        .order_by("scan__created_at", "scan_id")
    )
    return [
        {
            "scan_id": row["scan_id"],
            "date": row["scan__created_at"],
            "kind": row["scan__kind"],
            "name": row["scan__name"],
            "domains": row["domains"],
            "checks": {check: _history_entry(row, check) for check in TABLE_CHECKS},
        }
        for row in rows
    ]


def _history_entry(row: dict, check: str) -> dict:
    passed, failed, not_testable = (row[f"{check}__{n}"] for n in ("pass", "fail", "nt"))
    return {
        "passed": passed,
        "measured": passed + failed,
        "not_testable": not_testable,
        "percentage": percentage(passed, passed + failed),
        "status": organisation_status(passed, failed, not_testable, row["domains"]),
    }


def sector_comparison(organisation: Organisation, scan: Scan | None) -> list[dict]:
    """Per standard: the organisation's share of passing domains next to its sector's."""
    if scan is None:
        return []
    mine = organisation_rows(scan, organisation_ids=[organisation.id])
    sector = sector_stats(scan).by_sector.get(organisation.sector, {})
    comparison = []
    for check in TABLE_CHECKS:
        own = mine[0].checks[check] if mine else {"passed": 0, "measured": 0}
        figure = sector.get(check, Figure())
        comparison.append(
            {
                "check": check,
                "label": STANDARD_LABELS[check],
                "passed": own["passed"],
                "measured": own["measured"],
                "percentage": percentage(own["passed"], own["measured"]),
                "sector": figure,
            }
        )
    return comparison


def domain_history(domain: Domain) -> QuerySet[DomainResult]:
    """Every judged result of a domain, oldest first, with its scan."""
    return (
        DomainResult.objects.filter(domain=domain, judged_at__isnull=False)
        .select_related("scan")
        .order_by("scan__created_at", "id")
    )


# --- search -----------------------------------------------------------------------------


def clean_query(query: str | None) -> str:
    """A search string safe for any database: trimmed, capped, without NUL characters."""
    if not query:
        return ""
    query = "".join(ch for ch in str(query) if ch != "\x00" and ch.isprintable())
    return query.strip()[:MAX_SEARCH_LENGTH]


def search_organisations(query: str, limit: int = 20) -> list[Organisation]:
    """Organisations whose name, abbreviation or one of whose domains matches the query."""
    query = clean_query(query)
    if not query:
        return []
    condition = (
        Q(name__icontains=query)
        | Q(abbreviation__icontains=query)
        | Q(domains__name__icontains=query)
    )
    try:
        idna = query.encode("idna").decode("ascii").lower()
    except UnicodeError:
        idna = ""
    if idna and idna != query.lower():
        condition |= Q(domains__name__icontains=idna)
    ids = (
        Organisation.objects.filter(condition)
        .values_list("id", flat=True)
        .distinct()
        .order_by()[: limit * 4]
    )
    return list(Organisation.objects.filter(id__in=list(ids)).order_by("name")[:limit])
