"""Alerts benchmark: how long a finished scan's alert task takes for a national scan.

    BENCH_DATABASE_URL=postgres://... .venv/bin/python bench/alerts.py [--domains 11000]

Fills its own PostgreSQL database (default postgres://postgres@127.0.0.1:5432/bench_alerts;
dropped and created again) with two finished scans of the same domains, each result
holding one MX host with a certificate; in the second scan 5 % of the domains lost DANE
and 1 % have a certificate entering its last 21 days. One subscriber per organisation.
Prints the time of alerts.changes.scan_changes (the comparison) and of the whole task with
Django's in-memory mail backend (so the figure is ours, not a mail server's), per domain,
and how busy the machine was (it is shared).
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_alerts"
)
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")


def _machine_cpu():
    """bench/scan.py's MachineCpu (how busy the shared machine was)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_scan", ROOT / "bench" / "scan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MachineCpu()


def ensure_fresh_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _result(scan, domain, now, dane: str, not_after) -> "DomainResult":  # noqa: F821
    from measurement.evaluate import evidence
    from measurement.models import DomainResult

    reasons = [] if dane == "pass" else ["tlsa_no_match"]
    certificate = evidence.CertificateEvidence(
        web_pki_valid=True, names=[f"mx.{domain.name}"], not_after=not_after.isoformat()
    )
    host = evidence.HostEvidence(
        host=f"mx.{domain.name}",
        dane=evidence.CheckEvidence(outcome=dane, reasons=reasons),
        addresses=[evidence.AddressEvidence(address="192.0.2.25", certificate=certificate)],
    )
    checks = dict.fromkeys(("mx", "dnssec", "starttls", "mta_sts", "tls_rpt"), "pass")
    return DomainResult(
        scan=scan, domain=domain, domain_name=domain.name, organisation_id=domain.organisation_id,
        sector="gemeente", methodology_version="bench", judged_at=now, dane=dane,
        starttls_dane=dane, reasons={"dane": reasons},
        evidence=evidence.to_builtins({"verdicts": {"hosts": [host]}}), **checks,
    )  # fmt: skip


def fill(count: int):
    from django.contrib.auth.models import User
    from django.utils import timezone

    from alerts.models import Subscription
    from measurement.models import Domain, Organisation, Scan

    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Gemeente {n}", sector="gemeente", source="csv", slug=f"g{n}")
        for n in range(count // 4)
    )
    domains = Domain.objects.bulk_create(
        Domain(
            name=f"d{n}.example", organisation=organisations[n % len(organisations)], source="csv"
        )
        for n in range(count)
    )
    users = User.objects.bulk_create(
        User(username=f"u{o.pk}", email=f"u{o.pk}@example.nl") for o in organisations
    )
    Subscription.objects.bulk_create(
        Subscription(user=u, organisation=o) for u, o in zip(users, organisations, strict=True)
    )
    now = timezone.now()
    scans = []
    for week in (1, 0):
        at = now - timedelta(days=7 * week)
        scan = Scan.objects.create(
            kind="full", status="finished", methodology_version="bench",
            scanner_version="bench", created_at=at, finished_at=at,
        )  # fmt: skip
        rows = []
        for n, domain in enumerate(domains):
            worse = week == 0 and n % 20 == 0
            expiring = week == 0 and n % 100 == 1
            not_after = at + timedelta(days=10 if expiring else 200)
            rows.append(_result(scan, domain, at, "fail" if worse else "pass", not_after))
        from measurement.models import DomainResult

        DomainResult.objects.bulk_create(rows, batch_size=2000)
        scans.append(scan)
    return scans[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--domains", type=int, default=11000)
    args = parser.parse_args()
    ensure_fresh_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    scan = fill(args.domains)
    from alerts.changes import scan_changes
    from alerts.sending import send_alerts

    machine = _machine_cpu()
    started = time.perf_counter()
    changes = list(scan_changes(scan))
    compared = time.perf_counter() - started
    started = time.perf_counter()
    sent = send_alerts(scan.pk)
    task = time.perf_counter() - started
    print(
        f"{args.domains} domains: comparison {compared:.2f} s "
        f"({1000 * compared / args.domains:.3f} ms/domain), "
        f"{len(changes)} changes; task {task:.2f} s, {sent} e-mails{machine.stop()}"
    )


if __name__ == "__main__":
    main()
