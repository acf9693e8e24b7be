"""The TLS (NCSC) assessment as a step of a scan's probe of one (MX host, address).

A scan asks for it with ProbeConfig.tls_quality (TlsQualitySettings); the engine makes the
step with what its connections need, so this module knows nothing of ProbeConfig.

After the SMTP probe of a pair that offered STARTTLS, the pair's TLS configuration is
assessed (measurement/probe/tls_quality.py) under the same per-address limiter as the
probe, or, when the scan knows a recent assessment of the pair (a weekly scan within
SCANNER_TLS_QUALITY_PERIOD_DAYS of the last one), that one is reused without a
connection. The result rides on the pair's SmtpObservation (`tls_quality`), so it is
run once per pair per scan, claimed and shared as the probe is (docs/architecture.md,
"A new per-address probe").
"""

import dataclasses
import ipaddress
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from measurement.probe.limiter import AddressLimiter
from measurement.probe.observations import Outcome, SmtpObservation, TlsQualityObservation
from measurement.probe.tls_quality import BUDGET, OfferPlan, TlsQualityProbe

log = logging.getLogger(__name__)

Pair = tuple[str, str]  # (MX host, address)


def pair_key(host: str, address: str) -> Pair:
    """A pair as the scan and the database both write it (IPv6 compressed)."""
    return host, ipaddress.ip_address(address).compressed


@dataclass(frozen=True)
class TlsQualitySettings:
    """A scan's TLS quality check: what to offer (measurement/scan/tls_offers.py), the
    assessments to reuse, and how long one may take."""

    plan: OfferPlan
    known: Mapping[Pair, TlsQualityObservation] = field(default_factory=dict)
    # An address that greets slowly (postscreen) costs its delay on every connection: the
    # assessment stops after this long (tls_incomplete), well within a stream's time limit.
    seconds: float = 300.0
    budget: int = BUDGET  # connections per address


class TlsQualityStep:
    """Adds the TLS quality assessment (new or reused) to a pair's probe."""

    def __init__(
        self,
        limiter: AddressLimiter,
        settings: TlsQualitySettings,
        target: Mapping[str, object],
        lab_mode: bool = False,
    ) -> None:
        """target: how to reach a pair's SMTP server (tls_handshake.Target's fields after
        host and address), as the scan's probe reaches it."""
        self.known = settings.known
        self.probe = TlsQualityProbe(
            limiter,
            plan=settings.plan,
            budget=settings.budget,
            seconds=settings.seconds,
            target_defaults=dict(target),
            lab_mode=lab_mode,
        )
        self.assessed = 0  # pairs assessed now (the rest of those with STARTTLS reused)

    async def add_to(self, observation: SmtpObservation) -> SmtpObservation:
        if not observation.starttls_offered:
            return observation  # nothing to assess: no STARTTLS, or no EHLO reply seen
        host, address = observation.host, observation.address
        quality = self.known.get(pair_key(host, address))
        if quality is None:
            quality = await self._assess(host, address)
        return dataclasses.replace(observation, tls_quality=quality)

    async def _assess(self, host: str, address: str) -> TlsQualityObservation:
        self.assessed += 1
        try:
            return await self.probe.assess(host, address)
        except Exception as exc:  # our bug: logged, and the pair is not testable
            log.exception("TLS quality of %s at %s failed", host, address)
            now = datetime.now(UTC).isoformat()
            return TlsQualityObservation(
                host, address, Outcome.ERROR, type(exc).__name__, assessed_at=now
            )

    def close(self) -> None:
        self.probe.close()
