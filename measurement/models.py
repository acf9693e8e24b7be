"""The register (Organisation, Domain) and the measurements (Scan and its results).

History is append-only: organisations that end and domains that are removed keep their
dates; a scan's results are never overwritten, and re-judging under a new methodology
version adds a new set of DomainResult rows beside the old ones.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measurement.domains import InvalidDomain, normalise_domain
from measurement.evaluate.compliance import percentage
from measurement.evaluate.verdicts import DOMAIN_CHECKS


class Sector(models.TextChoices):
    RIJK = "rijk", _("Rijk")
    PROVINCIE = "provincie", _("Provincies")
    GEMEENTE = "gemeente", _("Gemeenten")
    WATERSCHAP = "waterschap", _("Waterschappen")
    SEMI_PUBLIEK = "semi_publiek", _("(Semi-)publiek")


class Source(models.TextChoices):
    ROO = "roo", _("Register van Overheidsorganisaties")
    RIO = "rio", _("Register Internetdomeinen Overheid")
    CSV = "csv", _("CSV-import")
    MANUAL = "manual", _("Handmatig")


class OrganisationQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=on))

    def in_sector(self, sector: str):
        return self.filter(sector=sector)


class Organisation(models.Model):
    name = models.CharField(_("naam"), max_length=300)
    abbreviation = models.CharField(_("afkorting"), max_length=100, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, db_index=True)
    organisation_type = models.CharField(_("type"), max_length=100, blank=True)
    tooi = models.CharField(
        _("TOOI-identifier"), max_length=200, unique=True, null=True, blank=True
    )
    register_id = models.CharField(_("systeem-id in het register"), max_length=50, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    ministry = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="related_bodies",
        verbose_name=_("ministerie"),
    )
    website = models.URLField(_("website"), max_length=500, blank=True)
    valid_from = models.DateField(_("geldig vanaf"), null=True, blank=True)
    valid_to = models.DateField(_("geldig tot"), null=True, blank=True)
    source = models.CharField(_("bron"), max_length=10, choices=Source.choices)
    slug = models.SlugField(max_length=320, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        indexes = [models.Index(fields=["sector", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.valid_to is None or self.valid_to > timezone.localdate()


class DomainQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def of_active_organisations(self):
        return self.active().filter(
            models.Q(organisation__valid_to__isnull=True)
            | models.Q(organisation__valid_to__gt=timezone.localdate())
        )


class Domain(models.Model):
    name = models.CharField(_("domeinnaam"), max_length=253, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="domains")
    source = models.CharField(_("bron"), max_length=10, choices=Source.choices)
    is_active = models.BooleanField(_("actief"), default=True, db_index=True)
    added_on = models.DateField(_("toegevoegd op"), default=timezone.localdate)
    removed_on = models.DateField(_("verwijderd op"), null=True, blank=True)
    latest_result = models.ForeignKey(
        "DomainResult", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DomainQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("domein")
        verbose_name_plural = _("domeinen")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        try:
            self.name = normalise_domain(self.name)
        except InvalidDomain as exc:
            raise ValidationError({"name": str(exc)}) from None

    def save(self, *args, **kwargs) -> None:
        self.name = normalise_domain(self.name)
        super().save(*args, **kwargs)


class Outcome(models.TextChoices):
    """The verdict outcomes of DESIGN.md section 2, the same everywhere."""

    PASS = "pass", _("voldoet")
    FAIL = "fail", _("voldoet niet")
    NOT_APPLICABLE = "not_applicable", _("niet van toepassing")
    NOT_TESTABLE = "not_testable", _("niet testbaar")
    ERROR = "error", _("fout in de meting")


class Scan(models.Model):
    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("gepland")
        FULL = "full", _("volledig, met de hand gestart")
        ON_DEMAND = "on_demand", _("op verzoek")
        ROUND = "round", _("meetronde")

    class Status(models.TextChoices):
        PLANNED = "planned", _("gepland")
        RUNNING = "running", _("bezig")
        FINISHED = "finished", _("klaar")
        FAILED = "failed", _("mislukt")

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ON_DEMAND)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    name = models.CharField(_("naam"), max_length=200, blank=True)
    is_frozen = models.BooleanField(_("bevroren"), default=False)
    scope = models.JSONField(default=dict, blank=True)
    methodology_version = models.CharField(max_length=20)
    scanner_version = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    domains_total = models.PositiveIntegerField(default=0)
    domains_done = models.PositiveIntegerField(default=0)
    hosts_total = models.PositiveIntegerField(default=0)
    hosts_done = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # last batch finished
    advance_rounds = models.PositiveIntegerField(default=0)  # fan-outs by tasks.advance
    failure_reason = models.TextField(blank=True)
    checksum = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("meting")
        verbose_name_plural = _("metingen")

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class HostResult(models.Model):
    """What one probe of one (MX host, IP address) saw in one scan."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="host_results")
    host = models.CharField(max_length=253)
    address = models.GenericIPAddressField()
    outcome = models.CharField(max_length=30)  # probe Outcome (ok, timeout, refused, ...)
    detail = models.CharField(max_length=500, blank=True)
    starttls = models.BooleanField(null=True)
    tls_version = models.CharField(max_length=20, blank=True)
    cipher = models.CharField(max_length=100, blank=True)
    observation = models.JSONField(default=dict)  # the full SmtpObservation, chain in base64 DER
    probed_at = models.DateTimeField(default=timezone.now)
    # A batch claims its pairs before probing, so a pair is probed once even when the
    # watchdog re-dispatches work; a redelivered task re-claims its own (same task id).
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The pair's TLS (NCSC) assessment (a TlsQualityObservation), made in this scan or
    # reused from an earlier one (measurement/scan/tls_quality.py); assessed when.
    tls_quality = models.JSONField(null=True, blank=True)
    tls_quality_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scan", "host", "address"], name="one_probe_per_host_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.host} [{self.address}]"


class DomainResultQuerySet(models.QuerySet):
    def judged(self):
        return self.filter(judged_at__isnull=False)


class DomainResult(models.Model):
    """The verdicts for one mail domain in one scan under one methodology version."""

    # No index of their own: each key leads one of the indexes in Meta, which serve its
    # look-ups as well, and every index costs a write when a result is stored (PostgreSQL
    # writes a new entry in each index for every updated row).
    scan = models.ForeignKey(
        Scan, on_delete=models.CASCADE, related_name="domain_results", db_index=False
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="results", db_index=False
    )
    # Snapshot of the register when the scan was planned: history stays stable.
    domain_name = models.CharField(max_length=253)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="domain_results", db_index=False
    )
    sector = models.CharField(max_length=20, choices=Sector.choices)
    methodology_version = models.CharField(max_length=20)
    judged_at = models.DateTimeField(null=True, blank=True)

    mx = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    dnssec = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    starttls = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    dane = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    dane_end_to_end = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    dane_rollover = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    starttls_dane = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    mta_sts = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    mta_sts_mode = models.CharField(max_length=20, blank=True)  # enforce, testing, none, ""
    tls_rpt = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    # TLS (NCSC), and STARTTLS and "STARTTLS en DANE" as Internet.nl reads them
    # (measurement/evaluate/readings.py); empty in results judged before methodology 2026.3.
    tls_ncsc = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    starttls_internetnl = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    starttls_dane_internetnl = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    reasons = models.JSONField(default=dict)  # check -> [reason codes]
    evidence = models.JSONField(default=dict)  # DNS answers, MX set, host keys, policy

    objects = DomainResultQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scan", "domain", "methodology_version"],
                name="one_result_per_domain_per_scan_method",
            )
        ]
        indexes = [
            models.Index(fields=["domain", "scan"]),
            models.Index(fields=["scan", "sector"]),
            models.Index(fields=["organisation", "scan"]),
        ]

    def __str__(self) -> str:
        return f"{self.domain_name} ({self.scan_id})"


# The checks of DESIGN.md section 2 are named once, by the judgement layer.
CHECKS = tuple(check for check in DOMAIN_CHECKS if check != "mx")


class SectorAggregate(models.Model):
    """Per scan, sector and check_name: the counts, computed once when the scan finishes."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="aggregates")
    sector = models.CharField(max_length=20, choices=Sector.choices)
    methodology_version = models.CharField(max_length=20)
    check_name = models.CharField(max_length=40)
    passed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    not_applicable = models.PositiveIntegerField(default=0)
    not_testable = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    organisations_measured = models.PositiveIntegerField(default=0)
    organisations_compliant = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scan", "sector", "methodology_version", "check_name"],
                name="one_aggregate_per_scan_sector_check",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sector} {self.check_name} ({self.scan_id})"

    @property
    def measured(self) -> int:
        return self.passed + self.failed

    @property
    def percentage(self) -> float | None:
        return percentage(self.passed, self.measured)


# Every verdict column of DomainResult, in the order exports and the API show them.
VERDICT_COLUMNS = tuple(
    column
    for check in DOMAIN_CHECKS
    for column in ((check, "mta_sts_mode") if check == "mta_sts" else (check,))
)

# Pseudo-checks stored in SectorAggregate beside CHECKS (their count is in `passed`,
# measured domains in `passed + failed`):
#   mta_sts_testing: MTA-STS published in mode testing (a valid policy, not enforced);
#   dane_vs_mta_sts:both / :dane_only / :mta_sts_only / :neither, over domains where
#   both DANE and MTA-STS were measured (pass or fail), for the side-by-side view.
SIDE_BY_SIDE = ("both", "dane_only", "mta_sts_only", "neither")
AGGREGATE_CHECKS = (
    CHECKS + ("mta_sts_testing",) + tuple(f"dane_vs_mta_sts:{kind}" for kind in SIDE_BY_SIDE)
)


class ImportRun(models.Model):
    """One scheduled register import: what it did and every row it skipped (docs/importers.md)."""

    started_at = models.DateTimeField(_("gestart"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    format = models.CharField(_("formaat"), max_length=10)
    source = models.CharField(_("bron"), max_length=500)
    succeeded = models.BooleanField(_("gelukt"), default=False)
    summary = models.TextField(_("samenvatting"), blank=True)
    skipped_count = models.PositiveIntegerField(_("overgeslagen"), default=0)
    # [{"kind": ..., "where": ..., "reason": ...}, ...]
    skipped = models.JSONField(_("overgeslagen records"), default=list, blank=True)
    error = models.TextField(_("fout"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("registerimport")
        verbose_name_plural = _("registerimports")

    def __str__(self) -> str:
        return f"{self.format} {self.started_at:%Y-%m-%d %H:%M}"
