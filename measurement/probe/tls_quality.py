"""The TLS quality probe of one (MX host, address): few targeted STARTTLS handshakes.

Not one connection per cipher suite (Internet.nl's full enumeration cost ~214 per host):
one handshake per protocol version; then, per version, offer a group of suites and take
away the one the server chose until it refuses (worst group first, so a budget that runs
out has already seen the worst); then the weak ECDHE curves the same way, the hashes of
the key exchange signature, and one legacy handshake for compression and renegotiation.
At most `budget` connections (default 30), each in the address limiter's slot: one at a
time per address, with the scanner's gap between them.

Which suites and groups are worse, and so offered first, is judgement: the scan machinery
makes the OfferPlan from the NCSC tables (measurement/scan/tls_offers.py); this module
only offers what the plan lists, in its order, and says what the TLS libraries can offer.
"""

import asyncio
import functools
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from nassl.ephemeral_key_info import OpenSslEcNidEnum
from nassl.legacy_ssl_client import LegacySslClient
from nassl.ssl_client import OpenSslVerifyEnum, OpenSslVersionEnum, SslClient

from measurement.probe.addresses import not_allowed_reason
from measurement.probe.limiter import AddressLimiter, LocalAddressLimiter
from measurement.probe.observations import AcceptedSuite, Outcome, TlsQualityObservation
from measurement.probe.tls_handshake import Handshake, Offer, SmtpFailure, Target, handshake

BUDGET = 30
# Suites the modern client offers in TLS 1.2, and those only the legacy one has (RC4,
# export, SSLv2-era): computed once from the libraries themselves.
MODERN_TLS12 = "ALL:COMPLEMENTOFALL"


def curve_name(nid: OpenSslEcNidEnum) -> str:
    """The name nassl reports for a curve ("secp256r1", "X25519", "brainpoolP256r1")."""
    name = nid.name
    return name if name[0] in "Xb" else name.lower()


CURVES = {curve_name(nid): nid for nid in OpenSslEcNidEnum}  # the ECDHE groups nassl offers


@dataclass(frozen=True)
class SuiteGroup:
    """Suites of one version offered together, less each one found, until refused."""

    version: str
    suites: tuple[str, ...]
    legacy: bool = False  # offered by the legacy OpenSSL (suites the modern one lacks)


@dataclass(frozen=True)
class OfferPlan:
    """What an assessment offers, worst first, so that a budget that runs out has already
    seen the worst: made by measurement/scan/tls_offers.py from the NCSC tables."""

    versions: tuple[str, ...]  # one handshake each, in this order
    worse: tuple[SuiteGroup, ...]  # suites that make the verdict worse
    curves: tuple[str, ...]  # ECDHE groups that make it worse (names of CURVES)
    evidence: tuple[SuiteGroup, ...]  # the better suites, as evidence only


@dataclass
class _Progress:
    """The mutable state of one assessment, frozen into the observation at the end."""

    target: Target
    budget: int
    connections: int = 0
    complete: bool = True
    chain: tuple[bytes, ...] = ()
    assessed_at: str = ""
    deadline: float = float("inf")  # time.monotonic() after which no connection starts


class TlsQualityProbe:
    """Runs assessments; one per (host, address), each connection in a worker thread."""

    def __init__(
        self,
        limiter: AddressLimiter | None = None,
        *,
        plan: OfferPlan,
        gap: float = 1.0,
        budget: int = BUDGET,
        seconds: float | None = None,
        threads: int = 32,
        target_defaults: dict | None = None,
        lab_mode: bool = False,
    ) -> None:
        self.limiter = limiter or LocalAddressLimiter(gap)
        self.plan = plan
        self.budget = budget
        self.seconds = seconds  # per address, None: no time bound
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="tls-quality")
        self.target_defaults = target_defaults or {}
        self.lab_mode = lab_mode

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)

    async def assess(self, host: str, address: str) -> TlsQualityObservation:
        started = time.monotonic()
        progress = _Progress(Target(host, address, **self.target_defaults), self.budget)
        if self.seconds is not None:
            progress.deadline = started + self.seconds
        progress.assessed_at = datetime.now(UTC).isoformat()
        outcome, detail, seen = Outcome.OK, "", _Seen()
        if reason := not_allowed_reason(address, lab_mode=self.lab_mode):
            return seen.observation(progress, Outcome.NOT_ALLOWED, reason, 0.0)
        try:
            await self._assess(progress, seen)
        except SmtpFailure as failure:
            outcome, detail = failure.outcome, failure.detail
        if outcome is Outcome.OK and not seen.versions:
            outcome, detail = Outcome.TLS_ERROR, "no protocol version accepted"
        return seen.observation(progress, outcome, detail, time.monotonic() - started)

    async def _connect(
        self, progress: _Progress, offer: Offer, *, evidence: bool = False
    ) -> Handshake | None:
        """One connection in the address's slot; None when the budget (connections or
        time) is spent. Running out while gathering evidence of good things leaves the
        verdict complete."""
        if progress.connections >= progress.budget or time.monotonic() >= progress.deadline:
            progress.complete = progress.complete and evidence
            return None
        progress.connections += 1
        loop = asyncio.get_running_loop()
        async with self.limiter.slot(progress.target.address):
            result = await loop.run_in_executor(self.executor, handshake, progress.target, offer)
        if result.chain and not progress.chain:
            progress.chain = result.chain
        return result

    async def _assess(self, progress: _Progress, seen: "_Seen") -> None:
        for version in self.plan.versions:
            result = await self._connect(progress, Offer(version, legacy=_legacy(version)))
            if result is None:
                return
            seen.version(version, result)
        seen.tested.append("versions")
        # What can make the verdict worse first; then the better suites, as evidence only.
        for group in self.plan.worse:
            await self._discover(progress, seen, group)
        await self._weak_curves(progress, seen)
        await self._kex_hashes(progress, seen)
        await self._options(progress, seen)
        if progress.complete:
            seen.tested.append("suites")
        for group in self.plan.evidence:
            await self._discover(progress, seen, group, evidence=True)

    async def _discover(
        self,
        progress: _Progress,
        seen: "_Seen",
        group: SuiteGroup,
        *,
        evidence: bool = False,
    ) -> None:
        """Offer the group minus what was found, until the server refuses; nothing when
        the server refused the group's version."""
        if group.version not in seen.versions:
            return
        base = Offer(group.version, legacy=group.legacy)
        tls13 = base.version == "TLSv1.3"
        remaining = [s for s in group.suites if s not in seen.ciphers(base.version)]
        while remaining:
            listed = ":".join(remaining)
            offer = replace(base, tls13_suites=listed) if tls13 else replace(base, ciphers=listed)
            result = await self._connect(progress, offer, evidence=evidence)
            if result is None or not result.accepted or result.cipher not in remaining:
                return
            seen.suite(base.version, result)
            remaining.remove(result.cipher)

    async def _weak_curves(self, progress: _Progress, seen: "_Seen") -> None:
        version = next((v for v in ("TLSv1.2", "TLSv1.3") if v in seen.versions), "")
        if not version:
            return
        remaining = [CURVES[name] for name in self.plan.curves]
        while remaining:
            result = await self._connect(
                progress, Offer(version, ciphers="ECDHE", groups=tuple(remaining))
            )
            if result is None:
                return
            chosen = [nid for nid in remaining if curve_name(nid) == result.group]
            if not result.accepted or not chosen:
                break
            seen.ec_groups.append(result.group)
            remaining.remove(chosen[0])
        seen.tested.append("groups")

    async def _kex_hashes(self, progress: _Progress, seen: "_Seen") -> None:
        if "TLSv1.2" not in seen.versions:
            return  # TLS 1.3 signs with SHA-256 or better by definition (RFC 8446 4.2.3)
        for name in ("sha1", "sha224"):
            result = await self._connect(
                progress, Offer("TLSv1.2", ciphers="ECDHE:DHE", signature_hash=name)
            )
            if result is None:
                return
            if result.accepted:
                seen.kex_hashes.append(name)
        seen.tested.append("kex_hash")

    async def _options(self, progress: _Progress, seen: "_Seen") -> None:
        version = next((v for v in ("TLSv1.2", "TLSv1.1", "TLSv1") if v in seen.versions), "")
        if not version:
            return  # TLS 1.3 has neither compression nor renegotiation
        result = await self._connect(progress, Offer(version, legacy=True, options=True))
        if result is None:
            return
        if result.accepted:
            seen.options = result
            seen.tested.append("options")


def _legacy(version: str) -> bool:
    """TLS 1.1 and older with the legacy OpenSSL: it still offers RC4, export, 3DES."""
    return version not in ("TLSv1.3", "TLSv1.2")


@functools.cache
def tls12_suites() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The TLS 1.2 suites the modern client offers, and those only the legacy client offers
    (RC4, export, ...): read from the libraries themselves."""
    modern = _cipher_names(SslClient, OpenSslVersionEnum.TLSV1_2)
    legacy = _cipher_names(LegacySslClient, OpenSslVersionEnum.TLSV1_2)
    return tuple(modern), tuple(name for name in legacy if name not in set(modern))


def _cipher_names(kind, version) -> list[str]:
    client = kind(ssl_version=version, ssl_verify=OpenSslVerifyEnum.NONE)
    client.set_cipher_list(MODERN_TLS12)
    return [n for n in client.get_cipher_list() if not n.startswith("TLS_")]


class _Seen:
    """What the handshakes showed so far."""

    def __init__(self) -> None:
        self.versions: list[str] = []
        self.refused: list[str] = []
        self.suites: dict[tuple[str, str], AcceptedSuite] = {}
        self.ec_groups: list[str] = []
        self.kex_hashes: list[str] = []
        self.options: Handshake | None = None
        self.tested: list[str] = []

    def version(self, version: str, result: Handshake) -> None:
        if result.accepted:
            self.versions.append(version)
            self.suite(version, result)
        else:
            self.refused.append(version)

    def suite(self, version: str, result: Handshake) -> None:
        self.suites[(version, result.cipher)] = AcceptedSuite(
            version, result.cipher, result.group, result.dh_prime, result.dh_generator
        )

    def ciphers(self, version: str) -> set[str]:
        return {cipher for (v, cipher) in self.suites if v == version}

    def observation(
        self, progress: _Progress, outcome: Outcome, detail: str, seconds: float
    ) -> TlsQualityObservation:
        options = self.options
        return TlsQualityObservation(
            host=progress.target.host,
            address=progress.target.address,
            outcome=outcome,
            detail=detail,
            versions=tuple(self.versions),
            refused_versions=tuple(self.refused),
            suites=tuple(self.suites.values()),
            ec_groups=tuple(dict.fromkeys(self.ec_groups)),
            kex_hashes=tuple(self.kex_hashes),
            compression=options.compression if options else "",
            secure_renegotiation=options.secure_renegotiation if options else None,
            client_renegotiation=options.client_renegotiation if options else None,
            chain=progress.chain,
            tested=tuple(self.tested),
            connections=progress.connections,
            complete=progress.complete,
            duration_ms=int(seconds * 1000),
            assessed_at=progress.assessed_at,
        )
