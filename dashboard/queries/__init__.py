"""Named query functions behind every dashboard page, export and API response.

Figures come from SectorAggregate rows (computed once per scan) or from aggregation in
the database; no function loops in Python over all results of a scan. One module per
subject (scans, sectors, organisations, providers, scorecard, search); the names the
pages use are gathered here.
"""

from dashboard.queries.figures import Figure
from dashboard.queries.organisations import (
    OrganisationRow,
    distribution,
    filter_rows,
    organisation_history,
    organisation_rows,
    sector_comparison,
    sector_organisation_rows,
    sort_rows,
)
from dashboard.queries.providers import ProviderRow, providers, registrable_domain
from dashboard.queries.scans import (
    FULL_SCAN_KINDS,
    finished_rounds,
    finished_scans,
    latest_finished_scan,
    methodology_versions,
)
from dashboard.queries.scorecard import (
    DomainCard,
    HostEvidence,
    ProbeEvidence,
    domain_card,
    domain_history,
    mx_hosts,
    organisation_domains,
)
from dashboard.queries.search import MAX_SEARCH_LENGTH, clean_query, search_organisations
from dashboard.queries.sectors import (
    SectorStats,
    TrendPoint,
    figures_version,
    sector_stats,
    side_by_side,
    side_by_side_trend,
    trend_by_sector,
    trend_total,
)
from dashboard.queries.standards import (
    DOMAIN_CHECKS,
    SIDE_BY_SIDE_LABELS,
    STANDARD_LABELS,
    STANDARDS,
    TABLE_CHECKS,
    TREND_CHECKS,
)

__all__ = [
    "DOMAIN_CHECKS",
    "FULL_SCAN_KINDS",
    "MAX_SEARCH_LENGTH",
    "SIDE_BY_SIDE_LABELS",
    "STANDARDS",
    "STANDARD_LABELS",
    "TABLE_CHECKS",
    "TREND_CHECKS",
    "DomainCard",
    "Figure",
    "HostEvidence",
    "OrganisationRow",
    "ProbeEvidence",
    "ProviderRow",
    "SectorStats",
    "TrendPoint",
    "clean_query",
    "distribution",
    "figures_version",
    "domain_card",
    "domain_history",
    "filter_rows",
    "finished_rounds",
    "finished_scans",
    "latest_finished_scan",
    "methodology_versions",
    "mx_hosts",
    "organisation_domains",
    "organisation_history",
    "organisation_rows",
    "providers",
    "registrable_domain",
    "search_organisations",
    "sector_comparison",
    "sector_organisation_rows",
    "sector_stats",
    "side_by_side",
    "side_by_side_trend",
    "sort_rows",
    "trend_by_sector",
    "trend_total",
]
