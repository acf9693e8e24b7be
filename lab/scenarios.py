"""The scenario catalogue: named domains with their zone state, records, servers and verdicts.

Every scenario is data. The zone builder, the servers and the tests read the same
objects. `expected` maps a check name (DESIGN.md section 2) to the outcome a correct
scan must produce; only checks whose outcome is certain are listed.

Symbolic TLSA records ("usage selector matching-type subject") are resolved against
the certificates generated at `up`: subject `leaf` is the host's own certificate,
`ca` the lab CA, `next` a spare key for a rollover, `other` a key no server uses.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

TLD = "example"
ZONE_STATES = ("signed", "unsigned", "bogus", "expired", "bogus_tlsa", "ds_mismatch")
GREETINGS = ("normal", "421", "silent", "garbage", "huge")
HANDSHAKES = ("normal", "alert", "drop")


@dataclass(frozen=True)
class Server:
    """How the SMTP server on one address behaves."""

    starttls: bool = True
    certificate: str = "good"  # lab.pki.CERTIFICATE_KINDS
    send_ca: bool = True  # chain is leaf + lab CA; False sends the leaf only
    greeting_delay: float = 0.0
    greeting: str = "normal"  # GREETINGS: 421, silence, garbage, a 10 MB greeting line
    starttls_reply: int = 220  # 454 refuses STARTTLS after offering it
    handshake: str = "normal"  # HANDSHAKES: a fatal TLS alert, or close mid-handshake
    software: str = "asyncio"  # "postfix": a real Postfix smtpd serves this address
    tls_profile: str = "default"  # lab.tls_profiles.PROFILES: an NCSC category to exhibit


@dataclass(frozen=True)
class Host:
    """An MX host: its addresses, TLSA records and server."""

    name: str
    ipv4: str | None
    ipv6: str | None = None
    tlsa: tuple[str, ...] = ()
    server: Server = Server()

    @property
    def addresses(self) -> tuple[str, ...]:
        return tuple(a for a in (self.ipv4, self.ipv6) if a)


@dataclass(frozen=True)
class Zone:
    """A zone that holds only hosts (a hosting provider), outside any scenario domain."""

    name: str
    state: str = "signed"


@dataclass(frozen=True)
class Scenario:
    """One named domain with everything it publishes and what a scan must conclude."""

    name: str
    domain: str
    description: str
    expected: dict[str, str]
    zone_state: str = "signed"  # ZONE_STATES
    mx: tuple[tuple[int, str], ...] = ()  # (preference, host); ((0, "."),) is a null MX
    hosts: tuple[Host, ...] = ()  # hosts to create (in this zone or a provider zone)
    cnames: tuple[tuple[str, str], ...] = ()  # (alias, target)
    mta_sts_txt: tuple[str, ...] = ()
    mta_sts_policy: str | None = None  # body of /.well-known/mta-sts.txt; None: 404
    mta_sts_certificate: str = "good"
    mta_sts_address: str | None = None  # 127.43.x.y of mta-sts.<domain>
    tls_rpt_txt: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default=())
    # TLS (NCSC), issue 19: the level the TLS quality probe must find at every address of
    # the domain's MX hosts ("" for scenarios that do not test it), and reasons it must give.
    tls_level: str = ""
    tls_reasons: tuple[str, ...] = ()

    @property
    def mx_hosts(self) -> tuple[str, ...]:
        return tuple(host for _, host in self.mx if host != ".")


def _addresses(prefix: str) -> Iterator[str]:
    for third in range(0, 1):
        for fourth in range(1, 255):
            yield f"{prefix}.{third}.{fourth}"


_smtp = _addresses("127.25")
_https = _addresses("127.43")

PROVIDER_ZONES = (
    Zone(f"hosting.{TLD}", "signed"),
    Zone(f"unsigned-hosting.{TLD}", "unsigned"),
)

NO_STS = {"mta_sts": "fail", "tls_rpt": "fail"}
DANE_PASS = {
    "dnssec": "pass",
    "starttls": "pass",
    "dane": "pass",
    "dane_end_to_end": "pass",
    "starttls_dane": "pass",
}
DANE_FAIL = {
    "dnssec": "pass",
    "starttls": "pass",
    "dane": "fail",
    "dane_end_to_end": "fail",
    "dane_rollover": "fail",
    "starttls_dane": "fail",
}
NO_MAIL = {
    "starttls": "not_applicable",
    "dane": "not_applicable",
    "starttls_dane": "not_applicable",
}
STS_ID = "20261128T000000"
# A bogus MX RRset (methodology 2026.2): validating senders defer all mail to the domain
# (RFC 7672 section 2.1.1), so DANE fails; nobody learns the MX hosts, so no STARTTLS.
MX_BOGUS = {
    "dnssec": "fail",
    "starttls": "not_testable",
    "dane": "fail",
    "dane_end_to_end": "fail",
    "starttls_dane": "fail",
}


def _mail(
    name: str,
    description: str,
    expected: dict[str, str],
    *,
    tlsa: tuple[str, ...] = ("3 1 1 leaf",),
    server: Server = Server(),
    **fields,
) -> Scenario:
    """A scenario with one MX host `mx.<domain>` on its own SMTP address."""
    domain = f"{name}.{TLD}"
    host = Host(f"mx.{domain}", next(_smtp), tlsa=tlsa, server=server)
    return Scenario(
        name=name,
        domain=domain,
        description=description,
        expected={**NO_STS, **expected},
        mx=((10, host.name),),
        hosts=(host,),
        **fields,
    )


def _sts(name: str, description: str, mode: str, expected: dict[str, str], **fields) -> Scenario:
    """An MTA-STS scenario: TXT, a policy host and a lab-CA certificate on the MX."""
    domain = f"{name}.{TLD}"
    policy = fields.pop(
        "policy", f"version: STSv1\nmode: {mode}\nmx: mx.{domain}\nmax_age: 86400\n"
    )
    return _mail(
        name,
        description,
        expected,
        tlsa=(),
        mta_sts_txt=fields.pop("txt", (f"v=STSv1; id={STS_ID};",)),
        mta_sts_policy=policy,
        mta_sts_address=next(_https),
        **fields,
    )


def _tls(name: str, description: str, profile: str, level: str, *reasons: str) -> Scenario:
    """A TLS (NCSC) scenario: DANE-EE on a server with one lab.tls_profiles profile.

    OpenSSL 3 servers accept SHA-224 for the key exchange signature (phase out), and at
    security level 0 (which RSA-1024, SHA-1 and DH-1024 need) SHA-1 as well: every
    scenario below but the TLS 1.3-only one shows that phase-out finding for real.
    """
    tls = "fail" if level == "insufficient" else "pass"
    return _mail(
        name,
        description,
        {**DANE_PASS, "dane_rollover": "fail", "tls_ncsc": tls, "starttls_internetnl": tls},
        server=Server(certificate=_TLS_CERTIFICATES.get(profile, "good"), tls_profile=profile),
        tls_level=level,
        tls_reasons=reasons,
    )


_TLS_CERTIFICATES = {"weak_dh": "rsa2048", "rsa1024": "rsa1024", "sha1_cert": "sha1"}


def _tls_catalogue() -> list[Scenario]:
    return [
        _tls("tls-ncsc-good", "TLS 1.3 only with the good suites: NCSC good", "ncsc_good", "good"),
        _tls(
            "tls-ncsc-sufficient",
            "TLS 1.2 and 1.3, ECDHE with AEAD suites only: NCSC sufficient but for the "
            "SHA-224 key exchange signature OpenSSL 3 still accepts (phase out)",
            "ncsc_sufficient",
            "phase_out",
            "tls_kex_hash_phase_out",
        ),
        _tls(
            "tls-old-versions",
            "TLS 1.0 and 1.1 accepted (with CBC-SHA1 suites)",
            "tls10",
            "insufficient",
            "tls_version_insufficient",
            "tls_cipher_insufficient",
        ),
        _tls(
            "tls-weak-cipher",
            "An insufficient suite (ECDHE-ECDSA-AES128-SHA, CBC with SHA-1) in TLS 1.2",
            "weak_cipher",
            "insufficient",
            "tls_cipher_insufficient",
        ),
        _tls(
            "tls-weak-dh",
            "DHE with a 1024-bit group of its own",
            "weak_dh",
            "insufficient",
            "tls_dh_group_insufficient",
        ),
        _tls(
            "tls-client-renegotiation",
            "TLS 1.2 only, renegotiation started by the client allowed",
            "client_renegotiation",
            "insufficient",
            "tls_client_renegotiation_insufficient",
        ),
        _tls(
            "tls-rsa1024",
            "An RSA-1024 certificate",
            "rsa1024",
            "insufficient",
            "tls_cert_key_insufficient",
        ),
        _tls(
            "tls-sha1-certificate",
            "A certificate signed with SHA-1",
            "sha1_cert",
            "insufficient",
            "tls_cert_signature_insufficient",
        ),
    ]


def _catalogue() -> tuple[Scenario, ...]:
    scenarios = [
        _mail(
            "dane-ee",
            "DANE-EE (3 1 1) for the server's key, signed zone",
            {**DANE_PASS, "dane_rollover": "fail"},
        ),
        _mail(
            "dane-ta",
            "DANE-TA (2 0 1) for the lab CA, which the server sends in its chain",
            {**DANE_PASS, "dane_rollover": "fail"},
            tlsa=("2 0 1 ca",),
        ),
        _mail(
            "dane-ta-no-ca",
            "DANE-TA for the lab CA, but the server sends only its leaf",
            DANE_FAIL,
            tlsa=("2 0 1 ca",),
            server=Server(send_ca=False),
        ),
        _mail(
            "tlsa-mismatch",
            "A DANE-EE record that matches no key the server has",
            DANE_FAIL,
            tlsa=("3 1 1 other",),
        ),
        _mail(
            "dane-ee-expired",
            "Expired certificate with a matching DANE-EE record: DANE-EE "
            "ignores expiry (RFC 7672 section 3.1.1)",
            {**DANE_PASS, "dane_rollover": "fail"},
            server=Server(certificate="expired"),
        ),
        _mail(
            "dane-ta-wrong-name",
            "DANE-TA for the lab CA, leaf issued for another name",
            DANE_FAIL,
            tlsa=("2 0 1 ca",),
            server=Server(certificate="wrong_name"),
        ),
        _mail(
            "tlsa-pkix-only",
            "Only PKIX-TA(0) and PKIX-EE(1) records: unusable for SMTP (RFC 7672 section 3.1.3)",
            DANE_FAIL,
            tlsa=("0 0 1 ca", "1 1 1 leaf"),
        ),
        _mail(
            "tlsa-unknown-matching",
            "A record with unknown matching type 255 next to a good DANE-EE record",
            {**DANE_PASS, "dane_rollover": "fail"},
            tlsa=("3 1 255 leaf", "3 1 1 leaf"),
        ),
        _mail(
            "dane-rollover",
            "Two DANE-EE records: the current key and the next one",
            {**DANE_PASS, "dane_rollover": "pass"},
            tlsa=("3 1 1 leaf", "3 1 1 next"),
        ),
        _mail(
            "dane-ta-ee",
            "DANE-EE for the current key plus DANE-TA for the CA",
            {**DANE_PASS, "dane_rollover": "pass"},
            tlsa=("3 1 1 leaf", "2 0 1 ca"),
        ),
        _mail("signed-no-tlsa", "Signed zone, STARTTLS, no TLSA", DANE_FAIL, tlsa=()),
        _mail(
            "unsigned-tlsa",
            "Unsigned zone with a TLSA record: insecure, so no DANE",
            {**DANE_FAIL, "dnssec": "fail"},
            zone_state="unsigned",
        ),
        _mail(
            "bogus-zone",
            "DS in the parent, but every signature in the zone is corrupted",
            MX_BOGUS,
            zone_state="bogus",
        ),
        _mail(
            "bogus-tlsa",
            "Signed zone where only the TLSA signature is corrupted",
            DANE_FAIL,
            zone_state="bogus_tlsa",
        ),
        _mail(
            "expired-rrsig",
            "Every signature in the zone expired a month ago",
            MX_BOGUS,
            zone_state="expired",
        ),
    ]
    domain = f"mx-unsigned-host.{TLD}"
    host = Host(f"mx.unsigned-hosting.{TLD}", next(_smtp), tlsa=("3 1 1 leaf",))
    scenarios.append(
        Scenario(
            name="mx-unsigned-host",
            domain=domain,
            description="Signed domain whose MX host lives in an unsigned provider zone with TLSA",
            expected={**NO_STS, **DANE_FAIL},
            mx=((10, host.name),),
            hosts=(host,),
        )
    )
    domain = f"unsigned-domain-dane-provider.{TLD}"
    host = Host(f"mx.hosting.{TLD}", next(_smtp), tlsa=("3 1 1 leaf",))
    scenarios.append(
        Scenario(
            name="unsigned-domain-dane-provider",
            domain=domain,
            description="Unsigned domain whose MX is a DANE-secured provider host: DANE passes, "
            "but not end to end (RFC 7672 section 2.2)",
            expected={**NO_STS, **DANE_PASS, "dnssec": "fail", "dane_end_to_end": "fail"},
            zone_state="unsigned",
            mx=((10, host.name),),
            hosts=(host,),
        )
    )
    scenarios.append(
        Scenario(
            name="shared-provider",
            domain=f"shared-provider.{TLD}",
            description="Signed domain on the same provider MX host as "
            "unsigned-domain-dane-provider: one probe serves both domains",
            expected={**NO_STS, **DANE_PASS, "dane_rollover": "fail"},
            mx=((10, host.name),),
        )
    )
    domain = f"two-mx-one-without-dane.{TLD}"
    first = Host(f"mx1.{domain}", next(_smtp), tlsa=("3 1 1 leaf",))
    second = Host(f"mx2.{domain}", next(_smtp), tlsa=())
    scenarios.append(
        Scenario(
            name="two-mx-one-without-dane",
            domain=domain,
            description="Two MX hosts; the backup has no TLSA",
            expected={**NO_STS, **DANE_FAIL},
            mx=((10, first.name), (20, second.name)),
            hosts=(first, second),
        )
    )
    domain = f"mx-cname.{TLD}"
    host = Host(f"mx.{domain}", next(_smtp), tlsa=("3 1 1 leaf",))
    scenarios.append(
        Scenario(
            name="mx-cname",
            domain=domain,
            description="The MX target is a CNAME to the real host (RFC 5321 section 5.1 "
            "forbids it, yet it happens); TLSA at the target (RFC 7672 section 2.2.2)",
            expected={**NO_STS, "dnssec": "pass", "starttls": "pass"},
            mx=((10, f"mail.{domain}"),),
            hosts=(host,),
            cnames=((f"mail.{domain}", host.name),),
        )
    )
    scenarios += [
        Scenario(
            name="null-mx",
            domain=f"null-mx.{TLD}",
            description="Null MX (RFC 7505): the domain accepts no mail",
            expected=dict(NO_MAIL),
            mx=((0, "."),),
        ),
        Scenario(
            name="no-mx",
            domain=f"no-mx.{TLD}",
            description="No MX record at all (only an A record)",
            expected=dict(NO_MAIL),
        ),
        _mail(
            "no-starttls",
            "The server does not offer STARTTLS (TLSA published anyway)",
            {"dnssec": "pass", "starttls": "fail", "dane": "fail", "starttls_dane": "fail"},
            server=Server(starttls=False),
        ),
        _mail(
            "starttls-handshake-failure",
            "STARTTLS accepted, then a fatal TLS alert",
            {"dnssec": "pass", "starttls": "fail", "dane": "fail", "starttls_dane": "fail"},
            server=Server(handshake="alert"),
        ),
        _mail(
            "starttls-rejected",
            "STARTTLS offered, but the command gets 454",
            {"dnssec": "pass"},
            server=Server(starttls_reply=454),
        ),
        _mail(
            "self-signed-no-tlsa",
            "Self-signed certificate and no TLSA",
            {"dnssec": "pass", "starttls": "pass", "dane": "fail", "starttls_dane": "fail"},
            tlsa=(),
            server=Server(certificate="self_signed", send_ca=False),
        ),
        _mail(
            "greeting-421",
            "The server greets with 421 and closes",
            {"dnssec": "pass", "starttls": "not_testable"},
            server=Server(greeting="421"),
        ),
        _mail(
            "slow-greeting",
            "The greeting comes after 6 seconds (postscreen-like delay)",
            {**DANE_PASS, "dane_rollover": "fail"},
            server=Server(greeting_delay=6.0),
        ),
        _mail(
            "silent",
            "The server accepts the connection and never says anything",
            {"dnssec": "pass", "starttls": "not_testable"},
            server=Server(greeting="silent"),
        ),
        _mail(
            "garbage",
            "The server sends binary garbage instead of a greeting",
            {"dnssec": "pass"},
            server=Server(greeting="garbage"),
        ),
        _mail(
            "huge-greeting",
            "The greeting is one 10 MB line",
            {"dnssec": "pass"},
            server=Server(greeting="huge"),
        ),
        _mail(
            "drop-mid-handshake",
            "STARTTLS accepted, connection closed after the ClientHello",
            {"dnssec": "pass"},
            server=Server(handshake="drop"),
        ),
    ]
    domain = f"ipv6-only.{TLD}"
    host = Host(f"mx.{domain}", None, "::1", tlsa=("3 1 1 leaf",))
    scenarios.append(
        Scenario(
            name="ipv6-only",
            domain=domain,
            description="The MX host has only an AAAA record (::1)",
            expected={**NO_STS, **DANE_PASS, "dane_rollover": "fail"},
            mx=((10, host.name),),
            hosts=(host,),
        )
    )
    scenarios += [
        _sts(
            "mta-sts-enforce",
            "MTA-STS enforce covering the MX, lab-CA certificates",
            "enforce",
            {"dnssec": "pass", "starttls": "pass", "mta_sts": "pass"},
        ),
        _sts(
            "mta-sts-testing",
            "MTA-STS in testing mode",
            "testing",
            {"mta_sts": "fail", "mta_sts_mode": "testing"},
        ),
        _sts("mta-sts-none", "MTA-STS mode none", "none", {"mta_sts": "fail"}),
        _sts(
            "mta-sts-bad-cert",
            "MTA-STS policy host with a self-signed certificate",
            "enforce",
            {"mta_sts": "fail"},
            mta_sts_certificate="self_signed",
        ),
        _sts(
            "mta-sts-mx-not-covered",
            "MTA-STS enforce whose mx patterns miss the MX",
            "enforce",
            {"mta_sts": "fail"},
            policy=f"version: STSv1\nmode: enforce\nmx: mail.elsewhere.{TLD}\nmax_age: 86400\n",
        ),
        _sts(
            "mta-sts-no-policy",
            "_mta-sts TXT, but the policy URL answers 404",
            "enforce",
            {"mta_sts": "fail"},
            policy=None,
        ),
        _sts(
            "mta-sts-two-txt",
            "Two v=STSv1 TXT records (RFC 8461 section 3.1)",
            "enforce",
            {"mta_sts": "fail"},
            txt=(f"v=STSv1; id={STS_ID};", "v=STSv1; id=20250101;"),
        ),
        _mail(
            "tls-rpt-valid",
            "One valid TLS-RPT record",
            {"tls_rpt": "pass"},
            tls_rpt_txt=(f"v=TLSRPTv1; rua=mailto:tlsrpt@tls-rpt-valid.{TLD}",),
        ),
        _mail(
            "tls-rpt-invalid",
            "TLS-RPT record without a usable rua",
            {"tls_rpt": "fail"},
            tls_rpt_txt=("v=TLSRPTv1; rua=ftp://reports.example",),
        ),
        _mail(
            "tls-rpt-duplicated",
            "Two TLS-RPT records (RFC 8460 section 3)",
            {"tls_rpt": "fail"},
            tls_rpt_txt=(
                f"v=TLSRPTv1; rua=mailto:a@tls-rpt-duplicated.{TLD}",
                f"v=TLSRPTv1; rua=mailto:b@tls-rpt-duplicated.{TLD}",
            ),
        ),
        _mail(
            "postfix-dane-ee",
            "A real Postfix smtpd with STARTTLS and DANE-EE",
            {**DANE_PASS, "dane_rollover": "fail"},
            server=Server(software="postfix"),
        ),
    ]
    scenarios += _verdict_rules_2026_2()
    scenarios += _tls_catalogue()
    return tuple(scenarios)


def _verdict_rules_2026_2() -> list[Scenario]:
    """The rules methodology 2026.2 added or changed (docs/methodology.md, history)."""
    mta_sts_pass = {"dnssec": "pass", "starttls": "pass", "mta_sts": "pass"}
    return [
        _mail(
            "ds-mismatch",
            "The parent's DS is for a key the zone does not use: the MX lookup is bogus",
            MX_BOGUS,
            zone_state="ds_mismatch",
        ),
        _mail(
            "tlsa-stale-sha512",
            "A good 3 1 1 beside a stale 3 1 2 for another key: digest agility (RFC 7671 "
            "section 9) makes senders use only the SHA-512 record",
            DANE_FAIL,
            tlsa=("3 1 1 leaf", "3 1 2 other"),
        ),
        _mail(
            "tlsa-good-sha512",
            "A good 3 1 2 beside a stale 3 1 1: the strongest digest matches",
            {**DANE_PASS, "dane_rollover": "fail"},
            tlsa=("3 1 1 other", "3 1 2 leaf"),
        ),
        _sts(
            "mta-sts-txt-stsv10",
            "Only a v=STSv10 TXT record: discarded, so no MTA-STS record (RFC 8461 section 3.1)",
            "enforce",
            {"mta_sts": "fail"},
            txt=(f"v=STSv10; id={STS_ID};",),
        ),
        _sts(
            "mta-sts-txt-beside-others",
            "One v=STSv1 record beside v=STSv10, v=STSv1.1 and a bare v=STSv1: only the "
            "first begins with v=STSv1;, so exactly one counts",
            "enforce",
            mta_sts_pass,
            txt=(f"v=STSv1; id={STS_ID};", "v=STSv10; id=1;", "v=STSv1.1; id=2;", "v=STSv1"),
        ),
        _sts(
            "mta-sts-txt-trailing-space",
            "The only v=STSv1 record ends in a space without a ';': the grammar refuses it",
            "enforce",
            {"mta_sts": "fail"},
            txt=(f"v=STSv1; id={STS_ID} ",),
        ),
        _sts(
            "mta-sts-repeated-mode",
            "The policy repeats mode (enforce, then testing): the first counts",
            "enforce",
            {**mta_sts_pass, "mta_sts_mode": "enforce"},
            policy="version: STSv1\nmode: enforce\nmode: testing\nmx: mx.mta-sts-repeated-mode."
            f"{TLD}\nmax_age: 86400\n",
        ),
        _sts(
            "mta-sts-mx-no-aki",
            "MTA-STS enforce, but the MX certificate lacks an Authority Key Identifier: the "
            "strict CA/Browser Forum profile refuses it",
            "enforce",
            {"dnssec": "pass", "starttls": "pass", "mta_sts": "fail"},
            server=Server(certificate="no_aki"),
        ),
        _mail(
            "tls-rpt-two-rua",
            "A TLS-RPT record with two rua fields and an extension: grammatical, so valid",
            {"tls_rpt": "pass"},
            tls_rpt_txt=(
                f"v=TLSRPTv1; rua=mailto:a@tls-rpt-two-rua.{TLD}; x-note=1; "
                f"rua=https://reports.tls-rpt-two-rua.{TLD}/tlsrpt",
            ),
        ),
        _mail(
            "tls-rpt-beside-v10",
            "One v=TLSRPTv1 record beside a v=TLSRPTv10 record: only the first counts",
            {"tls_rpt": "pass"},
            tls_rpt_txt=(
                f"v=TLSRPTv1; rua=mailto:a@tls-rpt-beside-v10.{TLD}",
                f"v=TLSRPTv10; rua=mailto:b@tls-rpt-beside-v10.{TLD}",
            ),
        ),
        _mail(
            "tls-rpt-bang-size",
            "A TLS-RPT rua with DMARC's !10m size suffix: RFC 8460 wants '!' %-encoded, so "
            "the field is no rua and the record has none",
            {"tls_rpt": "fail"},
            tls_rpt_txt=(f"v=TLSRPTv1; rua=mailto:tlsrpt@tls-rpt-bang-size.{TLD}!10m",),
        ),
    ]


SCENARIOS: tuple[Scenario, ...] = _catalogue()
BY_NAME: dict[str, Scenario] = {s.name: s for s in SCENARIOS}


def scenario(name: str) -> Scenario:
    """The scenario called `name` (KeyError lists nothing clever: check SCENARIOS)."""
    return BY_NAME[name]


def all_hosts() -> tuple[Host, ...]:
    """Every MX host of the catalogue, once."""
    seen: dict[str, Host] = {}
    for s in SCENARIOS:
        for host in s.hosts:
            seen.setdefault(host.name, host)
    return tuple(seen.values())


def zones() -> tuple[Zone, ...]:
    """Every zone below the TLD: scenario domains and provider zones."""
    return tuple(Zone(s.domain, s.zone_state) for s in SCENARIOS) + PROVIDER_ZONES
