"""Benchmark the register imports: rows/s, peak RSS, and what hostile files cost.

    .venv/bin/python bench/import.py speed [--rows 10000]   # CSV, exportOO.xml, exportRIO.xml
    .venv/bin/python bench/import.py memory [--mb 200]      # a generated exportOO.xml
    .venv/bin/python bench/import.py hostile [--mb 200]     # hostile files of that size

speed: a fresh database, a first import and an unchanged re-import of each format with
--rows organisations (one domain each), in rows/s. memory: peak RSS of importing an
exportOO.xml of the real shape (contact details, addresses, units) of --mb MB. hostile:
files of --mb MB that must be refused (deep nesting, one endless text, one endless
organisation) or read in flat memory (elements that are not organisations), each with its
outcome and peak RSS. A row is a line of the CSV, an organisation (with its one
registration) of exportRIO.xml, an organisation or unit of exportOO.xml (its candidate
domains are not counted). Rows per CPU second are printed beside rows/s: on a shared
machine they say more than the wall time; on PostgreSQL the CPU of the database server's
backend process is counted with the importing process's. Every import runs in a
fresh process against a throw-away test database (created and dropped like the test
runner does, on DATABASE_URL or SQLite), in production mode (DEBUG off). BENCH_ROOT runs
the same figures against another checkout (the code before a change). Prints figures,
asserts nothing.
"""

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(os.environ.get("BENCH_ROOT", Path(__file__).resolve().parent.parent))
NAMESPACE = "https://organisaties.overheid.nl/static/schema/oo/export/2.6.13"
TOP_TYPES = [
    ("Gemeente", "gemeente", "gm"),
    ("Provincie", "provincie", "pv"),
    ("Waterschap", "waterschap", "ws"),
    ("Zelfstandig bestuursorgaan", "oorg", "oorg"),
    ("Agentschap", "oorg", "oorg"),
    ("Gemeenschappelijke regeling", "oorg", "oorg"),
    ("Adviescollege", "oorg", "oorg"),
]
UNIT_TYPES = ["Organisatieonderdeel", "Directie", "Afdeling", "Directoraat-Generaal"]
MINISTRIES = 15
RIO_NAMESPACE = "https://organisaties.overheid.nl/static/schema/oo/export/0.0.3"


def generate(path: Path, megabytes: float, seed: int = 7, organisations: int = 0) -> None:
    """Write an exportOO.xml-shaped file: organisations with contact details and units.

    Until the file has `megabytes`, or (organisations > 0) that many top-level ones.
    """
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    counter = iter(range(1, 10**9))
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f'<p:overheidsorganisaties xmlns:p="{NAMESPACE}" p:timestamp="2026-11-27">\n')
        out.write("  <p:organisaties>\n")
        for m in range(MINISTRIES):
            out.write(_organisation(rng, counter, ("Ministerie", "ministerie", "mnre"), m, 0))
        number = 0
        while (number < organisations) if organisations else (out.tell() < target):
            number += 1
            kind = rng.choice(TOP_TYPES)
            out.write(_organisation(rng, counter, kind, number, rng.choice([0, 0, 1, 2, 3])))
        out.write("  </p:organisaties>\n</p:overheidsorganisaties>\n")


def _organisation(rng, counter, kind, number, depth, indent="    ") -> str:
    type_name, tooi_kind, prefix = kind
    system_id = next(counter)
    tooi = f"https://identifier.overheid.nl/tooi/id/{tooi_kind}/{prefix}{system_id:05d}"
    name = f"{type_name} Voorbeeld {number}-{system_id}"
    slug = f"voorbeeld{system_id}"
    parts = [
        f'{indent}<p:organisatie p:systeemId="{system_id}" p:resourceIdentifierTOOI="{tooi}">',
        f"<p:naam>{escape(name)}</p:naam><p:afkorting>V{system_id}</p:afkorting>",
        f"<p:types><p:type>{type_name}</p:type></p:types>",
    ]
    if type_name in ("Agentschap", "Zelfstandig bestuursorgaan", "Adviescollege"):
        ministry = rng.randrange(MINISTRIES) + 1
        parts.append(
            '<p:relatieMetMinisterie p:resourceIdentifierTOOI="https://identifier.overheid.nl'
            f'/tooi/id/ministerie/mnre{ministry:05d}">Ministerie {ministry}'
            "</p:relatieMetMinisterie>"
        )
    website = (
        "https://www.rijksoverheid.nl/ministeries/x"
        if type_name == "Ministerie"
        else rng.choice([f"https://www.{slug}.nl", f"www.{slug}.nl; https://loket.{slug}.nl"])
    )
    parts += [
        "<p:contact><p:internetadressen>",
        f"<p:internetadres><p:url>{website}</p:url><p:label>algemeen</p:label></p:internetadres>",
        f"<p:internetadres><p:url>https://www.{slug}.nl/contact</p:url>"
        "<p:label>contactformulier</p:label></p:internetadres>",
        "</p:internetadressen><p:emailadressen>",
        f"<p:emailadres><p:email>info@{slug}.nl</p:email><p:label>algemeen</p:label></p:emailadres>",
        "</p:emailadressen><p:telefoonnummers>",
        f"<p:telefoonnummer><p:nummer>0{rng.randrange(10**8, 10**9)}</p:nummer>"
        "<p:label>algemeen</p:label></p:telefoonnummer>",
        "</p:telefoonnummers><p:adressen>",
        "<p:adres><p:type>Bezoekadres</p:type><p:straat>Voorbeeldstraat</p:straat>"
        f"<p:huisnummer>{rng.randrange(1, 300)}</p:huisnummer><p:postcode>1234 AB</p:postcode>"
        "<p:plaats>Voorbeeldstad</p:plaats></p:adres>",
        "<p:adres><p:type>Postadres</p:type><p:postbus>Postbus 1</p:postbus>"
        "<p:postcode>1000 AA</p:postcode><p:plaats>Voorbeeldstad</p:plaats></p:adres>",
        "</p:adressen></p:contact>",
        "<p:beschrijving>"
        + escape("Een gegenereerde organisatie voor de benchmark van de importer. " * 4)
        + "</p:beschrijving>",
        "<p:startDatum>2001-01-01</p:startDatum>",
    ]
    if rng.random() < 0.05:
        parts.append("<p:eindDatum>2020-01-01</p:eindDatum>")
    parts.append(
        "<p:identificatiecodes>"
        f'<p:resourceIdentifier p:naam="OIN">0000000100{system_id:010d}</p:resourceIdentifier>'
        "</p:identificatiecodes>"
    )
    if depth:
        parts.append("<p:organisaties>")
        for unit in range(rng.randrange(1, 4)):
            unit_kind = (rng.choice(UNIT_TYPES), "oorg", "oorg")
            parts.append(_organisation(rng, counter, unit_kind, unit, depth - 1, indent + "  "))
        parts.append("</p:organisaties>")
    parts.append("</p:organisatie>\n")
    return "".join(parts)


def generate_csv(path: Path, rows: int) -> None:
    sectors = ["gemeente", "provincie", "waterschap", "rijk", "semi_publiek"]
    with path.open("w", encoding="utf-8") as out:
        out.write("organisation,sector,domain\n")
        for n in range(rows):
            out.write(f"Organisatie {n},{sectors[n % 5]},organisatie{n}.nl\n")


def generate_rio(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(f'<p:RegisterInternetdomeinenOverheid xmlns:p="{RIO_NAMESPACE}">\n')
        for n in range(rows):
            out.write(
                f'<p:organisatie p:systeemId="{n}" p:resourceIdentifierTOOI='
                f'"https://identifier.overheid.nl/tooi/id/oorg/oorg{n:06d}">'
                f"<p:naam>Organisatie {n}</p:naam><p:types><p:type>Agentschap</p:type></p:types>"
                "<p:domeinnaamregistraties><p:domeinnaamregistratie>"
                f"<p:naam>rio{n}.nl</p:naam><p:geregistreerdSinds>2020-01-01</p:geregistreerdSinds>"
                "</p:domeinnaamregistratie></p:domeinnaamregistraties></p:organisatie>\n"
            )
        out.write("</p:RegisterInternetdomeinenOverheid>\n")


def generate_hostile(path: Path, kind: str, megabytes: float) -> None:
    """A file of `megabytes` MB that is hostile in one way."""
    target = int(megabytes * 1024 * 1024)
    open_tag, close_tag, body = {
        "deep": ("<p:organisaties><p:organisatie>", "</p:organisatie></p:organisaties>", ""),
        "endless-text": ("<p:beschrijving>", "</p:beschrijving>", "x" * 65536),
        "endless-organisation": (
            '<p:organisatie p:systeemId="1"><p:naam>Groot</p:naam><p:organisaties>',
            "</p:organisaties></p:organisatie>",
            "<p:organisatie><p:naam>eenheid</p:naam></p:organisatie>" * 1000,
        ),
        "not-organisations": (
            "",
            "",
            "<p:bijlage><p:regel>niets voor ons</p:regel></p:bijlage>" * 1000,
        ),
    }[kind]
    with path.open("w", encoding="utf-8") as out:
        out.write(f'<p:overheidsorganisaties xmlns:p="{NAMESPACE}"><p:organisaties>')
        depth = 0
        while out.tell() < target:
            if kind == "deep":  # half the file opens elements, the other half closes them
                if out.tell() > target / 2:
                    break
                out.write(open_tag * 1000)
                depth += 1000
                continue
            if not depth:
                out.write(open_tag)
                depth = 1
            out.write(body)
        for _ in range(depth // 1000 if kind == "deep" else 0):
            out.write(close_tag * 1000)
        out.write(close_tag * (0 if kind == "deep" else min(depth, 1)))
        out.write("</p:organisaties></p:overheidsorganisaties>\n")


FORMATS = {"csv": generate_csv, "oo-xml": None, "rio-xml": generate_rio}


def child(kind: str, path: Path, runs: int) -> None:
    """Import `path` `runs` times into a fresh test database and print the figures."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.update(DEBUG="false", SECRET_KEY="bench-only-not-a-secret")
    import django

    django.setup()
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    from measurement.importers.records import ImportRejected
    from measurement.importers.sources import open_source
    from measurement.management.commands.import_organisations import FORMATS as PARSERS

    parse, store = PARSERS[kind]
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        rss_before = _peak_rss_mib()
        server = _server_process()
        for label in ("first import", "re-import")[:runs]:
            started, cpu = time.perf_counter(), _cpu_seconds(server)
            try:
                with open_source(str(path)) as stream:
                    summary = store(parse(stream))
            except ImportRejected as exc:
                print(
                    f"  refused after {time.perf_counter() - started:.2f} s, peak RSS "
                    f"{_peak_rss_mib():.1f} MiB: {str(exc)[:150]}"
                )
                return
            elapsed, cpu = time.perf_counter() - started, _cpu_seconds(server) - cpu
            organisations, domains = summary.organisations, summary.domains
            counts = organisations if kind == "oo-xml" else domains  # see the docstring
            rows = counts.created + counts.updated + counts.unchanged
            print(
                f"  {label:12} {elapsed:6.2f} s  {rows / elapsed:8.0f} rows/s  "
                f"({rows / cpu:6.0f} rows per CPU second{' with the server' if server else ''})  "
                f"peak RSS {_peak_rss_mib():6.1f} MiB (before {rss_before:.1f})  "
                f"organisations {organisations.created}+ {organisations.updated}~ "
                f"{organisations.unchanged}=; domains {domains.created}+ {domains.updated}~ "
                f"{domains.unchanged}="
            )
    finally:
        teardown_databases(databases, verbosity=0)


def _peak_rss_mib() -> float:
    """This process's own high-water RSS (VmHWM): getrusage's ru_maxrss would also count
    the parent's before the exec, which has just written a large file."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _server_process() -> Path | None:
    """/proc/PID/stat of the PostgreSQL backend serving this process, when on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None  # SQLite runs in this process
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    return stat if stat.exists() else None


def _cpu_seconds(server: Path | None = None) -> float:
    """This process's CPU, and its database backend's (utime + stime) when given."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    seconds = usage.ru_utime + usage.ru_stime
    if server is not None:
        fields = server.read_text().rsplit(")", 1)[1].split()
        seconds += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def _machine() -> tuple[int, int]:
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(ticks[:8]) - ticks[3] - ticks[4], sum(ticks[:8])


def _run(kind: str, path: Path, runs: int = 2) -> None:
    size = path.stat().st_size / 2**20
    print(f"{kind} {path.name} ({size:.1f} MB):", flush=True)
    first = _machine()
    # In ROOT: Celery's Django fix-up puts the working directory first on sys.path, so
    # from anywhere else BENCH_ROOT's code would not be the code that runs.
    command = [sys.executable, str(Path(__file__).resolve()), "child", kind, str(path), str(runs)]
    subprocess.run(command, check=True, cwd=ROOT)
    busy, total = (now - then for now, then in zip(_machine(), first, strict=True))
    print(f"  (machine {100 * busy / max(total, 1):.0f} % busy meanwhile)")


def main() -> None:
    if sys.argv[1:2] == ["child"]:
        child(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["speed", "memory", "hostile"])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--mb", type=float, default=200)
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL", "sqlite (default)").split("@")[-1]
    print(f"code: {ROOT}; database: {database}; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as directory:
        folder = Path(directory)
        if args.mode == "speed":
            generate_csv(folder / "register.csv", args.rows)
            _run("csv", folder / "register.csv")
            generate(folder / "exportOO.xml", 0, organisations=args.rows)
            _run("oo-xml", folder / "exportOO.xml")
            generate_rio(folder / "exportRIO.xml", args.rows)
            _run("rio-xml", folder / "exportRIO.xml")
        elif args.mode == "memory":
            generate(folder / "exportOO.xml", args.mb)
            _run("oo-xml", folder / "exportOO.xml", runs=1)
        else:
            for kind in ("deep", "endless-text", "endless-organisation", "not-organisations"):
                path = folder / f"{kind}.xml"
                generate_hostile(path, kind, args.mb)
                _run("oo-xml", path, runs=1)
                path.unlink()


if __name__ == "__main__":
    main()
