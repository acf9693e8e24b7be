"""Progress pages benchmark: headline figures, comparison, providers and the yearly report.

    .venv/bin/python bench/progress.py [--domains 11000] [--weeks 52] [--keep]

Fills its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/bench_progress) with bench/dashboard.py's year of
weekly scans, marks five of them as measurement rounds (weeks 0, 13, 26, 39 and the
last), then prints the median server time of 20 requests (Django's test Client, in
process) for the overview, a sector page, the provider index and pages, the round
comparison and its CSV, the report page, and the time to make the report PDF (cache
cleared) and to serve it again, with how busy the machine was meanwhile. Targets (issue
17): pages < 100 ms median, PDF < 5 s.
"""

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_progress")
_spec = importlib.util.spec_from_file_location("bench_dashboard", ROOT / "bench" / "dashboard.py")
bench_dashboard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_dashboard)  # sets DATABASE_URL, DEBUG and the settings module
_spec = importlib.util.spec_from_file_location("bench_scan", ROOT / "bench" / "scan.py")


def machine_busy():
    """bench/scan.py's MachineCpu: how busy the machine's cores were meanwhile."""
    module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(module)
    return module.MachineCpu()


def mark_rounds(weeks: int) -> None:
    from measurement.models import Scan

    scans = list(Scan.objects.order_by("created_at"))
    for week in sorted({0, weeks // 4, weeks // 2, 3 * weeks // 4, weeks - 1}):
        scan = scans[week]
        Scan.objects.filter(pk=scan.pk).update(
            kind=Scan.Kind.ROUND, name=f"Meetronde {scan.created_at:%Y-%m-%d}", is_frozen=True
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=11_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--keep", action="store_true", help="reuse a filled database")
    args = parser.parse_args()

    bench_dashboard.ensure_database(fresh=not args.keep)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from measurement.models import DomainResult, Scan

    call_command("migrate", verbosity=0)
    if not args.keep or not Scan.objects.exists():
        bench_dashboard.fill(args.domains, args.weeks)
        mark_rounds(args.weeks)
    rounds = list(Scan.objects.filter(kind=Scan.Kind.ROUND).order_by("created_at"))
    print(
        f"\ndatabase: {Scan.objects.count()} scans ({len(rounds)} rounds), "
        f"{DomainResult.objects.count()} domain results"
    )
    client = Client()
    pages = {
        "overview (with headline figures)": "/",
        "sector page (gemeente)": "/sector/gemeente/",
        "sector page (semi_publiek)": "/sector/semi_publiek/",
        "provider index": "/providers/",
        "provider page (Microsoft 365)": "/provider/microsoft-365/",
        "provider page (provider0.nl)": "/provider/provider0nl/",
        "round comparison (latest vs nulmeting)": "/vergelijken/",
        f"round comparison ({rounds[1].name} vs {rounds[2].name})": (
            f"/vergelijken/?voor={rounds[1].pk}&na={rounds[2].pk}"
        ),
        "round comparison CSV": "/vergelijken.csv",
        "yearly report page": f"/rapport/{rounds[-1].pk}/",
    }
    busy = machine_busy()
    print("\nserver time (target: median < 100 ms):")
    print(f"  {'page':52s} {'median/20':>10s} {'first':>9s}  size")
    for label, url in pages.items():
        first, ms, size = bench_dashboard.median_ms(client, url)
        print(f"  {label:52s} {ms:7.1f} ms {first:6.1f} ms  {size / 1024:.0f} KiB")
    print(report_pdf_times(client, rounds[-1]) + busy.stop())


def report_pdf_times(client, scan) -> str:
    """The report PDF made from scratch (cache cleared), then served from the cache."""
    from django.core.cache import cache

    cache.clear()
    t0 = time.perf_counter()
    response = client.get(f"/rapport/{scan.pk}.pdf")
    made = time.perf_counter() - t0
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        client.get(f"/rapport/{scan.pk}.pdf")
        times.append((time.perf_counter() - t0) * 1000)
    return (
        f"yearly report PDF: made in {made:.2f} s ({len(response.content) / 1024:.0f} KiB; "
        f"target < 5 s), then from the cache: median {statistics.median(times):.1f} ms of 3"
    )


if __name__ == "__main__":
    main()
