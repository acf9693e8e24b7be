"""The TLS-RPT record at _smtp._tls.<domain> (RFC 8460 section 3); judged in evaluate."""

from measurement.probe.dns import Priority, Resolver
from measurement.probe.observations import TlsRptObservation


async def observe_tls_rpt(resolver: Resolver, domain: str) -> TlsRptObservation:
    txt = await resolver.query(f"_smtp._tls.{domain}", "TXT", priority=Priority.POLICY)
    return TlsRptObservation(domain=domain, txt=txt)
