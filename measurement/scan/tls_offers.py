"""What the TLS quality probe offers, and in which order: the NCSC tables
(measurement/evaluate/ncsc_tables.py) applied to what the TLS libraries can offer
(measurement/probe/tls_quality.py).

Made here, above both, so that the probe judges nothing and the judgement makes no
connection. Worst first: the TLS 1.3 and TLS 1.2 suites that make the verdict
insufficient, then those to phase out, then the weak ECDHE groups; the better suites
last, as evidence only.
"""

import functools

from measurement.evaluate.ncsc_tables import (
    TLS13_SUITES,
    VERSIONS,
    Level,
    cipher_level,
    ec_group_level,
)
from measurement.probe.tls_quality import CURVES, OfferPlan, SuiteGroup, tls12_suites


@functools.cache
def offer_plan() -> OfferPlan:
    modern, legacy_only = tls12_suites()

    def tls12(level: Level) -> SuiteGroup:
        return SuiteGroup("TLSv1.2", tuple(name for name in modern if cipher_level(name) is level))

    worse13 = tuple(name for name in TLS13_SUITES if cipher_level(name) > Level.SUFFICIENT)
    better13 = tuple(name for name in TLS13_SUITES if name not in worse13)
    return OfferPlan(
        versions=VERSIONS,
        worse=(
            SuiteGroup("TLSv1.3", worse13),
            tls12(Level.INSUFFICIENT),
            SuiteGroup("TLSv1.2", legacy_only, legacy=True),
            tls12(Level.PHASE_OUT),
        ),
        curves=tuple(name for name in CURVES if ec_group_level(name) > Level.GOOD),
        evidence=(SuiteGroup("TLSv1.3", better13), tls12(Level.SUFFICIENT)),
    )
