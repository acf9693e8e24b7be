"""Benchmark: import a generated exportOO.xml of about 50 MB; prints wall time, rows/s, peak RSS.

    .venv/bin/python bench/import.py [--mb 50] [--compare-mb 5]

Each import runs in a fresh process against a throw-away test database (created and
dropped like the test runner does, on DATABASE_URL or SQLite), so peak RSS is that of the
import alone; importing a small file too shows whether memory grows with file size.
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

ROOT = Path(__file__).resolve().parent.parent
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


def generate(path: Path, megabytes: float, seed: int = 7) -> None:
    """Write an exportOO.xml-shaped file: organisations with contact details and units."""
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
        while out.tell() < target:
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


def child(path: Path) -> None:
    """Import `path` twice into a fresh test database and print the figures."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    from measurement.importers.apply_oo import import_organisation_records
    from measurement.importers.oo_xml import parse_oo_xml
    from measurement.models import Organisation

    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        rss_before = _peak_rss_mib()
        for label in ("first import", "re-import"):
            started = time.perf_counter()
            with path.open("rb") as stream:
                summary = import_organisation_records(parse_oo_xml(stream))
            elapsed = time.perf_counter() - started
            rows = Organisation.objects.count()
            counts = summary.organisations
            print(
                f"  {label:12} {elapsed:6.2f} s  {rows / elapsed:8.0f} rows/s  "
                f"peak RSS {_peak_rss_mib():6.1f} MiB (before import {rss_before:.1f})  "
                f"created {counts.created} updated {counts.updated} "
                f"unchanged {counts.unchanged} ended {counts.ended}; "
                f"domains created {summary.domains.created}"
            )
    finally:
        teardown_databases(databases, verbosity=0)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--compare-mb", type=float, default=5)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    database = os.environ.get("DATABASE_URL", "sqlite (default)").split("@")[-1]
    print(f"database: {database}")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as directory:
        for megabytes in (args.compare_mb, args.mb):
            path = Path(directory) / f"exportOO-{megabytes:g}MB.xml"
            started = time.perf_counter()
            generate(path, megabytes)
            size = path.stat().st_size / 1024 / 1024
            print(f"{path.name}: {size:.1f} MB generated in {time.perf_counter() - started:.1f} s")
            subprocess.run([sys.executable, __file__, "--child", str(path)], check=True)


if __name__ == "__main__":
    main()
