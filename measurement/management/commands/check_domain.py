"""`manage.py check_domain DOMAIN`: test one domain now and print a readable report or JSON."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from measurement.domains import InvalidDomain, normalise_domain
from measurement.evaluate import evidence
from measurement.explanations import explain_stored
from measurement.scan import door

CHECK_LABELS = {
    "mx": "MX",
    "dnssec": "DNSSEC (maildomein)",
    "starttls": "STARTTLS",
    "dane": "DANE",
    "dane_end_to_end": "DANE, end-to-end",
    "dane_rollover": "DANE-rollover",
    "starttls_dane": "STARTTLS en DANE",
    "mta_sts": "MTA-STS",
    "tls_rpt": "TLS-RPT",
    "tls_ncsc": "TLS (NCSC)",
    "starttls_internetnl": "STARTTLS (lezing Internet.nl)",
    "starttls_dane_internetnl": "STARTTLS en DANE (lezing Internet.nl)",
}


class Command(BaseCommand):
    help = "Test een maildomein nu en toon per MX-host en adres wat er gezien is."

    def add_arguments(self, parser):
        parser.add_argument("domain")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a report")
        parser.add_argument("--lab", action="store_true", help="use the running lab")

    def handle(self, *args, domain, **options):
        try:
            name = normalise_domain(domain)
        except InvalidDomain as exc:
            raise CommandError(str(exc)) from None
        overrides = {}
        if options["lab"]:
            from config.lab import lab_scanner_settings, running_lab

            try:
                overrides = lab_scanner_settings(running_lab())
            except RuntimeError as exc:
                raise CommandError(str(exc)) from None
        with override_settings(**overrides):
            try:
                report = check(name)  # the door checks the resolver first
            except door.ResolverNotUsable as exc:
                raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(render(report))


def check(name: str) -> dict:
    """Observe and judge one domain as a scan does; the JSON-safe report."""
    observation, verdicts = door.check_domain(name)
    return {
        "domain": name,
        "resolver": f"{settings.SCANNER_RESOLVER}:{settings.SCANNER_RESOLVER_PORT}",
        "verdicts": verdicts,
        "observation": evidence.to_builtins(observation),
    }


def render(report: dict) -> str:
    """The report as text: per MX host and address what was seen, then per check the
    verdict, then how to fix what failed. Read through the stored types."""
    verdicts = evidence.convert(
        report["verdicts"], evidence.VerdictsEvidence, evidence.VerdictsEvidence()
    )
    lines = [f"Domein {report['domain']} (resolver {report['resolver']})", ""]
    for host in verdicts.hosts:
        lines += _host_lines(host)
    lines.append("")
    mode = verdicts.mta_sts_mode
    for check_name, label in CHECK_LABELS.items():
        verdict = verdicts.check(check_name)
        extra = f" (mode {mode})" if check_name == "mta_sts" and mode else ""
        reasons = ", ".join(verdict.reasons) if verdict else ""
        lines.append(f"{label:<22} {_outcome(verdict):<15}{extra} {reasons}")
    for check_name, explanations in explain_stored(verdicts).items():
        if _outcome(verdicts.check(check_name)) in ("pass", "not_applicable"):
            continue
        for explanation in explanations:
            lines += ["", f"[{CHECK_LABELS.get(check_name, check_name)}] {explanation.title}"]
            lines.append(f"  {explanation.fix}")
            if explanation.record:
                lines += ["  " + line for line in explanation.record.splitlines()]
    return "\n".join(lines) + "\n"


def _outcome(verdict: evidence.CheckEvidence | None) -> str:
    return verdict.outcome if verdict else "-"


def _host_lines(host: evidence.HostEvidence) -> list[str]:
    lines = [
        f"MX {host.preference} {host.host}  TLSA {host.tlsa_status or '-'} "
        f"op _25._tcp.{host.tlsa_base_domain}: " + (", ".join(host.tlsa_records) or "geen")
    ]
    for address in host.addresses:
        lines.append(
            f"  {address.address:<40} {address.probe_outcome:<14} "
            f"STARTTLS {_outcome(address.starttls):<14} "
            f"{address.tls_version or '-':<8} DANE {_outcome(address.dane)}"
        )
        if cert := address.certificate:
            lines.append(
                f"    certificaat {', '.join(cert.names) or '-'}; geldig tot "
                f"{cert.not_after or '-'}; Web-PKI "
                f"{'geldig' if cert.web_pki_valid else cert.reason}"
            )
    return lines
