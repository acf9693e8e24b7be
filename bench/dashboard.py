"""Dashboard benchmark: a year of weekly scans of 11,000 domains, then page and export timings.

    .venv/bin/python bench/dashboard.py [--domains 11000] [--weeks 52] [--keep]

Fills its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/bench_dashboard) with COPY, aggregates every scan with
measurement.scan.store.store_aggregates, then prints the median server time of 20 requests
(Django's test Client, in process) for the overview, a sector page and a scorecard, and
the rows/s of the round CSV export. Targets (issue 6): < 100 ms each, > 10,000 rows/s.
With --keep an existing filled database is reused.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_dashboard"
)
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")  # development mode: the development key, no HTTPS redirect

SECTORS = (  # (sector, organisations, share of the domains)
    ("rijk", 160, 0.12),
    ("provincie", 12, 0.02),
    ("gemeente", 342, 0.45),
    ("waterschap", 21, 0.02),
    ("semi_publiek", 1200, 0.39),
)
PROVIDERS = [f"mail{n}.provider{n % 40}.nl" for n in range(260)] + [
    f"tenant{n}.mail.protection.outlook.com" for n in range(40)
]
CHECK_FIELDS = (
    "mx", "dnssec", "starttls", "dane", "dane_end_to_end", "dane_rollover",
    "starttls_dane", "mta_sts", "tls_rpt",
)  # fmt: skip


def ensure_database(fresh: bool) -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def evidence_for(domain: str, host: str, secure: bool, tlsa: bool, mode: str) -> str:
    """Evidence in the stored shape of a scan, about 1.5 KB like a real one."""
    answer = {
        "qname": domain, "rdtype": "MX", "rcode": "NOERROR",
        "status": "secure" if secure else "insecure", "records": [f"10 {host}."],
        "cname_chain": [], "ede": [], "resolver": "127.53.0.2",
    }  # fmt: skip
    tlsa_answer = dict(answer, qname=f"_25._tcp.{host}", rdtype="TLSA",
                       records=["3 1 1 " + "ab" * 32] if tlsa else [])  # fmt: skip
    return json.dumps(
        {
            "mx": [{"preference": 10, "host": host}],
            "observation": {
                "domain": domain,
                "mx": {"domain": domain, "answer": answer, "null_mx": False, "skipped": 0},
                "hosts": [
                    {
                        "host": host,
                        "a": dict(answer, qname=host, rdtype="A", records=["192.0.2.1"]),
                        "aaaa": dict(answer, qname=host, rdtype="AAAA", records=[]),
                        "tlsa": tlsa_answer,
                        "tlsa_base_domain": host,
                        "tlsa_records": [
                            {"usage": 3, "selector": 1, "matching_type": 1, "data": "q" * 43 + "="}
                        ]
                        if tlsa
                        else [],
                    }
                ],  # fmt: skip
                "mta_sts": {
                    "domain": domain,
                    "txt": dict(
                        answer,
                        qname=f"_mta-sts.{domain}",
                        rdtype="TXT",
                        records=["v=STSv1; id=2026"] if mode else [],
                    ),
                    "policy_text": f"version: STSv1\nmode: {mode}\nmx: {host}\nmax_age: 86400\n"
                    if mode
                    else "",
                },  # fmt: skip
            },
        }
    )


def fill(domains_total: int, weeks: int) -> None:
    from django.db import connection

    from measurement.scan.store import store_aggregates

    rng = random.Random(2026)
    started = time.perf_counter()
    organisations, domains = _register(domains_total)
    profile = {d.id: _profile(rng, weeks) for d in domains}
    print(f"register: {organisations} organisations, {len(domains)} domains "
          f"({time.perf_counter() - started:.1f} s)")  # fmt: skip
    start_date = datetime(2025, 12, 1, 3, 0, tzinfo=UTC)
    for week in range(weeks):
        t0 = time.perf_counter()
        scan = _store_week(week, weeks, start_date + timedelta(weeks=week), domains, profile)
        store_aggregates(scan, scan.methodology_version)
        print(f"scan {week + 1}/{weeks}: {len(domains)} results "
              f"({time.perf_counter() - t0:.1f} s)", flush=True)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE measurement_domain d SET latest_result_id = r.id
               FROM measurement_domainresult r
               WHERE r.domain_id = d.id AND r.scan_id = %s""",
            [scan.id],
        )
        cursor.execute("ANALYZE")
    print(f"filled in {time.perf_counter() - started:.0f} s")


def _register(domains_total: int) -> tuple[int, list]:
    """The organisations of every sector and their domains, by sector share."""
    from measurement.models import Domain, Organisation

    orgs, domains = [], []
    for sector, count, _share in SECTORS:
        for n in range(count):
            orgs.append(Organisation(name=f"{sector.title()} organisatie {n:04d}",
                                     abbreviation=f"{sector[:2].upper()}{n}", sector=sector,
                                     source="csv", slug=f"{sector}-{n:04d}"))  # fmt: skip
    Organisation.objects.bulk_create(orgs, batch_size=2000)
    by_sector: dict[str, list] = {}
    for org in Organisation.objects.all():
        by_sector.setdefault(org.sector, []).append(org)
    for sector, _count, share in SECTORS:
        for n in range(int(domains_total * share)):
            org = by_sector[sector][n % len(by_sector[sector])]
            domains.append(Domain(name=f"d{n:05d}.{sector.replace('_', '-')}.nl",
                                  organisation=org, source="csv"))  # fmt: skip
    Domain.objects.bulk_create(domains, batch_size=5000)
    return len(orgs), list(Domain.objects.select_related("organisation").order_by("id"))


def _profile(rng: random.Random, weeks: int) -> dict:
    """A domain's provider and the week from which it passes each standard."""
    return {
        "host": rng.choice(PROVIDERS),
        "unreachable": rng.random() < 0.02,
        "starttls": rng.choice([0] * 9 + [weeks // 2, weeks * 2]),
        "dnssec": rng.randrange(-weeks, weeks * 2),
        "dane": rng.randrange(-weeks // 2, weeks * 3),
        "mta_sts": rng.randrange(0, weeks * 4),
        "tls_rpt": rng.randrange(0, weeks * 3),
    }


def _verdicts(p: dict, week: int, domain_id: int) -> tuple[dict, dict, str]:
    """(verdict per check, reasons, MTA-STS mode) of one domain in one week."""
    if p["unreachable"]:
        v = dict.fromkeys(CHECK_FIELDS, "not_testable")
        v.update(mx="pass", dnssec="pass" if week >= p["dnssec"] else "fail",
                 mta_sts="fail", tls_rpt="fail")  # fmt: skip
        return v, {"starttls": ["timeout"]}, ""
    ok = {k: week >= p[k] for k in ("starttls", "dnssec", "dane", "mta_sts", "tls_rpt")}
    dane = ok["dane"] and ok["dnssec"]
    mode = "enforce" if ok["mta_sts"] else ("testing" if week >= p["mta_sts"] - 10 else "")
    v = {
        "mx": "pass",
        "dnssec": "pass" if ok["dnssec"] else "fail",
        "starttls": "pass" if ok["starttls"] else "fail",
        "dane": "pass" if dane else "fail",
        "dane_end_to_end": "pass" if dane else "fail",
        "dane_rollover": "pass" if dane and domain_id % 3 else "fail",
        "starttls_dane": "pass" if dane and ok["starttls"] else "fail",
        "mta_sts": "pass" if ok["mta_sts"] else "fail",
        "tls_rpt": "pass" if ok["tls_rpt"] else "fail",
    }
    reasons = {k: ["tlsa_missing" if k == "dane" else "no_record"]
               for k, o in v.items() if o == "fail"}  # fmt: skip
    return v, reasons, mode


_COLUMNS = (
    "scan_id", "domain_id", "domain_name", "organisation_id", "sector",
    "methodology_version", "judged_at", *CHECK_FIELDS, "mta_sts_mode", "reasons", "evidence",
)  # fmt: skip


def _address(n: int) -> str:
    return f"192.0.{n // 250}.{n % 250 + 1}"


def _probe(host: str, address: str) -> dict:
    """A probe's observation as a scan stores it."""
    from measurement.evaluate import evidence
    from measurement.probe.observations import Outcome, SmtpObservation

    probe = SmtpObservation(
        host=host, address=address, outcome=Outcome.OK, starttls_offered=True,
        tls_version="TLSv1.3", cipher="TLS_AES_256_GCM_SHA384",
    )  # fmt: skip
    return evidence.to_builtins(probe)


def _store_week(week: int, weeks: int, created: datetime, domains: list, profile: dict):
    """One finished scan of every domain, its results written by COPY; returns the scan."""
    from django.db import connection, transaction

    from measurement.models import HostResult, Scan

    is_round = week in (0, weeks // 2)
    with transaction.atomic():
        scan = Scan.objects.create(
            kind=Scan.Kind.ROUND if is_round else Scan.Kind.SCHEDULED,
            name=f"Meetronde {created:%Y-%m}" if is_round else "",
            status=Scan.Status.FINISHED, is_frozen=is_round, methodology_version="1.0",
            scanner_version="bench", created_at=created, started_at=created,
            finished_at=created + timedelta(seconds=30), domains_total=len(domains),
            domains_done=len(domains), checksum="0" * 64 if is_round else "",
        )  # fmt: skip
        copy_sql = f"COPY measurement_domainresult ({', '.join(_COLUMNS)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.connection.cursor().copy(copy_sql) as copy:
            for d in domains:
                p = profile[d.id]
                v, reasons, mode = _verdicts(p, week, d.id)
                copy.write_row((
                    scan.id, d.id, d.name, d.organisation_id, d.organisation.sector,
                    "1.0", created, *(v[k] for k in CHECK_FIELDS), mode, json.dumps(reasons),
                    evidence_for(d.name, p["host"], v["dnssec"] == "pass",
                                 v["dane"] == "pass", mode),
                ))  # fmt: skip
        HostResult.objects.bulk_create(
            HostResult(
                scan=scan, host=host, address=_address(n), outcome="ok", starttls=True,
                tls_version="TLSv1.3", cipher="TLS_AES_256_GCM_SHA384",
                observation=_probe(host, _address(n)), probed_at=created,
            )
            for n, host in enumerate(PROVIDERS)
        )  # fmt: skip
    return scan


def _body(response) -> bytes:
    """The whole answer; a streamed one (a CSV download) is generated while it is read."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def median_ms(client, url: str, runs: int = 20) -> tuple[float, float, int]:
    """(first request, median of `runs` further requests) in ms, and the page size; a
    streamed answer is timed until its last byte."""
    t0 = time.perf_counter()
    response = client.get(url)
    body = _body(response)
    first = (time.perf_counter() - t0) * 1000
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        body = _body(client.get(url))
        times.append((time.perf_counter() - t0) * 1000)
    return first, statistics.median(times), len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=11_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--keep", action="store_true", help="reuse a filled database")
    args = parser.parse_args()

    ensure_database(fresh=not args.keep)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from measurement.models import DomainResult, Organisation, Scan

    call_command("migrate", verbosity=0)
    if not args.keep or not Scan.objects.exists():
        fill(args.domains, args.weeks)
    results = DomainResult.objects.count()
    scans = Scan.objects.count()
    print(f"\ndatabase: {scans} scans, {results} domain results")

    client = Client()
    org = (
        Organisation.objects.filter(sector="gemeente").order_by("slug").first()
    )  # a municipality with several domains
    pages = {
        "overview": "/",
        "sector page (gemeente, 342 organisations)": "/sector/gemeente/",
        "sector page (semi_publiek, 1200 organisations)": "/sector/semi_publiek/",
        f"scorecard ({org.domains.count()} domains)": f"/organisatie/{org.slug}/",
        "DANE vs MTA-STS": "/dane-en-mta-sts/",
        "API sector statistics": "/api/v1/sectors/",
    }
    print("\nserver time (target: median < 100 ms for the first four pages):")
    print(f"  {'page':48s} {'median/20':>10s} {'first':>9s}  size")
    for label, url in pages.items():
        first, ms, size = median_ms(client, url)
        print(f"  {label:48s} {ms:7.1f} ms {first:6.1f} ms  {size / 1024:.0f} KiB")

    latest_round = Scan.objects.filter(kind=Scan.Kind.ROUND).order_by("-created_at").first()
    for variant, query in (("csv", ""), ("csv ; (Excel)", "?sep=semicolon")):
        t0 = time.perf_counter()
        response = client.get(f"/export/meting/{latest_round.pk}.csv{query}")
        rows = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        seconds = time.perf_counter() - t0
        print(f"round export {variant:14s}: {rows} lines in {seconds:.2f} s = "
              f"{rows / seconds:,.0f} rows/s (target > 10,000)")  # fmt: skip


if __name__ == "__main__":
    main()
