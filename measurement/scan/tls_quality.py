"""When a scan assesses the TLS quality (NCSC) of its MX addresses, and reading it back.

Measurement rounds and on-demand re-tests assess every pair that offers STARTTLS; the
weekly scans and the manual full scans at most once per pair per
SCANNER_TLS_QUALITY_PERIOD_DAYS (30), reusing the last stored assessment otherwise, so
that they stay fast and the providers' servers are not hammered (about 20-30
connections per address each time). store.fill_host_result writes the assessment to
HostResult.tls_quality; this module reads it back.
"""

from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from measurement.evaluate import evidence
from measurement.models import HostResult, Scan
from measurement.probe.observations import Outcome, SmtpObservation, TlsQualityObservation
from measurement.probe.tls_assessing import Pair, TlsQualitySettings, pair_key
from measurement.scan.tls_offers import offer_plan

ALWAYS_ASSESSED = (Scan.Kind.ROUND, Scan.Kind.ON_DEMAND)


def probe_settings(kind: str | None) -> dict:
    """The ProbeConfig fields of the TLS quality check for a scan of this kind (None:
    check_domain, which assesses)."""
    seconds = settings.SCANNER_TLS_QUALITY_SECONDS
    known = {} if kind is None or kind in ALWAYS_ASSESSED else known_assessments()
    return {"tls_quality": TlsQualitySettings(offer_plan(), known=known, seconds=seconds)}


def known_assessments(now=None) -> dict[Pair, TlsQualityObservation]:
    """The latest assessment of each pair made within the period that saw the server
    (an assessment that could not connect is made again)."""
    since = (now or timezone.now()) - timedelta(days=settings.SCANNER_TLS_QUALITY_PERIOD_DAYS)
    rows = (
        HostResult.objects.filter(tls_quality_at__gte=since)
        .order_by("tls_quality_at", "pk")
        .values_list("host", "address", "tls_quality")
    )
    latest: dict[Pair, dict] = {}
    for host, address, quality in rows.iterator(chunk_size=2000):
        latest[pair_key(host, address)] = quality
    assessments = {
        pair: evidence.convert(quality, TlsQualityObservation)
        for pair, quality in latest.items()
        if quality
    }
    return {
        pair: assessment
        for pair, assessment in assessments.items()
        if assessment is not None and assessment.outcome is Outcome.OK
    }


def stored_probe(observation: dict, quality: dict | None) -> SmtpObservation:
    """A HostResult's probe as the scan saw it, its TLS quality assessment included."""
    probe = evidence.convert(observation, SmtpObservation)
    if probe is None:
        raise ValueError("a stored probe does not fit SmtpObservation")
    if quality is None:
        return probe
    return replace(probe, tls_quality=evidence.convert(quality, TlsQualityObservation))
