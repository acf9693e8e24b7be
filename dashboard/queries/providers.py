"""Mail providers behind a sector: MX hosts grouped by registrable domain, with adoption."""

from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache
from django.db import connection
from publicsuffixlist import PublicSuffixList

from measurement.evaluate import evidence
from measurement.evaluate.compliance import percentage
from measurement.models import DomainResult, Outcome, Scan

PROVIDER_CACHE_SECONDS = 24 * 3600


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
        "id", "evidence__mx", *_PROVIDER_CHECKS
    ).iterator():
        for entry in evidence.read_mx(stored):
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
