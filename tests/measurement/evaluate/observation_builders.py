"""Hand-made observations for the verdict tests: DNS answers, hosts, probes, domains."""

from measurement.evaluate.outcomes import CheckOutcome
from measurement.evaluate.verdicts import (
    DOMAIN_CHECKS,
)
from measurement.probe.observations import (
    AcceptedSuite,
    DnsAnswer,
    DnssecStatus,
    DomainObservation,
    HostObservation,
    MtaStsObservation,
    MxHost,
    MxObservation,
    Outcome,
    SmtpObservation,
    TlsQualityObservation,
    TlsRptObservation,
)
from tests.measurement.evaluate.test_dane import record_for

PASS, FAIL = CheckOutcome.PASS, CheckOutcome.FAIL
NOT_APPLICABLE, NOT_TESTABLE = CheckOutcome.NOT_APPLICABLE, CheckOutcome.NOT_TESTABLE
SECURE, INSECURE = DnssecStatus.SECURE, DnssecStatus.INSECURE
BOGUS, INDETERMINATE = DnssecStatus.BOGUS, DnssecStatus.INDETERMINATE
DOMAIN = "example.nl"
POLICY = "version: STSv1\nmode: enforce\nmx: *.example.nl\nmax_age: 604800\n"


def answer(qname, rdtype, *records, status=SECURE, rcode="NOERROR"):
    return DnsAnswer(qname, rdtype, rcode, status, tuple(records))


def host(name, address, tlsa=(), *, tlsa_status=SECURE, tlsa_rcode="NOERROR", a_status=SECURE):
    return HostObservation(
        host=name,
        a=answer(name, "A", address, status=a_status),
        aaaa=answer(name, "AAAA", status=a_status),
        tlsa=answer(
            f"_25._tcp.{name}",
            "TLSA",
            *(f"{r.usage} {r.selector} {r.matching_type} {r.data.hex()}" for r in tlsa),
            status=tlsa_status,
            rcode=tlsa_rcode,
        ),
        tlsa_base_domain=name,
        tlsa_records=tuple(tlsa),
    )


def probe(name, address, chain=(), outcome=Outcome.OK, **kwargs):
    if outcome is Outcome.OK and chain:
        kwargs.setdefault("tls_version", "TLSv1.3")
        kwargs.setdefault("starttls_offered", True)
    return SmtpObservation(host=name, address=address, outcome=outcome, chain=chain, **kwargs)


def domain_observation(hosts, probes, *, mx_status=SECURE, mta_sts=None, tls_rpt=None):
    mx_hosts = tuple(MxHost(10 * (i + 1), h.host) for i, h in enumerate(hosts))
    return DomainObservation(
        domain=DOMAIN,
        mx=MxObservation(
            domain=DOMAIN,
            answer=answer(
                DOMAIN, "MX", *(f"{m.preference} {m.host}." for m in mx_hosts), status=mx_status
            ),
            hosts=mx_hosts,
        ),
        hosts=tuple(hosts),
        probes=tuple(probes),
        mta_sts=mta_sts,
        tls_rpt=tls_rpt,
    )


def outcomes(verdicts):
    return {check: verdicts.verdict(check).outcome for check in DOMAIN_CHECKS}


def good_tls_quality(name, address):
    """A TLS (NCSC) assessment that finds nothing: TLS 1.3 with the good suites only."""
    return TlsQualityObservation(
        host=name,
        address=address,
        outcome=Outcome.OK,
        versions=("TLSv1.3",),
        refused_versions=("TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3", "SSLv2"),
        suites=(AcceptedSuite("TLSv1.3", "TLS_AES_256_GCM_SHA384", "X25519"),),
        connections=9,
    )


def fully_secured_domain(pki):
    """One MX with a matching 3 1 1 record and a next-key record: everything passes."""
    records = (record_for(pki.leaf), record_for(pki.leaf_next_key))
    quality = good_tls_quality("mx1.example.nl", "192.0.2.1")
    return domain_observation(
        [host("mx1.example.nl", "192.0.2.1", records)],
        [probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.leaf), tls_quality=quality)],
        mta_sts=MtaStsObservation(
            domain=DOMAIN,
            txt=answer(f"_mta-sts.{DOMAIN}", "TXT", "v=STSv1; id=2026"),
            policy_url=f"https://mta-sts.{DOMAIN}/.well-known/mta-sts.txt",
            fetch_outcome=Outcome.OK,
            http_status=200,
            content_type="text/plain; charset=utf-8",
            policy_text=POLICY,
            chain=pki.chain(pki.mta_sts_leaf),
        ),
        tls_rpt=TlsRptObservation(
            DOMAIN, answer(f"_smtp._tls.{DOMAIN}", "TXT", "v=TLSRPTv1; rua=mailto:r@example.nl")
        ),
    )
