"""The round checksum: SHA-256 over named columns of the round's CSV export (docs/rounds.md).

Anyone can recompute it from the downloaded file alone: take these columns of every data
row, join each row's cells with a tab, end it with a line feed, sort the lines, and hash
their UTF-8 bytes. Names and other free text are not part of it, so a renamed
organisation or a column added to the export later leaves a frozen round's checksum as it
was.
"""

import csv
import hashlib
import itertools
from collections.abc import Iterable

# Written out, not derived from the verdict columns: a check added later must not change
# the checksum of a round frozen before it.
CHECKSUM_COLUMNS = (
    "scan_id",
    "methodology_version",
    "domain",
    "organisation_tooi",
    "sector",
    "mx",
    "dnssec",
    "starttls",
    "dane",
    "dane_end_to_end",
    "dane_rollover",
    "starttls_dane",
    "mta_sts",
    "mta_sts_mode",
    "tls_rpt",
)

# The DomainResult fields behind CHECKSUM_COLUMNS, in the same order.
CHECKSUM_FIELDS = (
    "scan_id",
    "methodology_version",
    "domain_name",
    "organisation__tooi",
    "sector",
    *CHECKSUM_COLUMNS[5:],
)


def checksum_of_results(results) -> str:
    """The checksum of a round's DomainResults (a queryset), as stored when it freezes."""
    return round_checksum_of(results.values_list(*CHECKSUM_FIELDS).iterator(chunk_size=2000))


def round_checksum_of(rows: Iterable[Iterable]) -> str:
    """The checksum over rows of CHECKSUM_COLUMNS values (None counts as empty)."""
    lines = sorted("\t".join("" if v is None else str(v) for v in row) + "\n" for row in rows)
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()


def read_round_csv(lines: Iterable[str]) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The metadata (`# key: value` lines at the top) and the rows of a round's CSV export,
    either variant (comma or semicolon, with or without a byte order mark)."""
    metadata: dict[str, str] = {}
    rest = iter(lines)
    for line in rest:
        line = line.lstrip("\ufeff")
        if not line.startswith("#"):
            break
        key, _sep, value = line[1:].partition(":")
        metadata[key.strip()] = value.strip()
    else:
        return metadata, []
    delimiter = ";" if line.count(";") > line.count(",") else ","
    rows = list(csv.DictReader(itertools.chain([line], rest), delimiter=delimiter))
    return metadata, rows


def verify_round_file(path: str) -> tuple[str, str]:
    """(recomputed checksum, checksum the file states or ""): the verify_round command."""
    with open(path, encoding="utf-8-sig", newline="") as file:
        metadata, rows = read_round_csv(file)
    missing = [name for name in CHECKSUM_COLUMNS if rows and name not in rows[0]]
    if missing:
        raise ValueError(f"not a round export: column(s) {', '.join(missing)} missing")
    computed = round_checksum_of([row[name] for name in CHECKSUM_COLUMNS] for row in rows)
    return computed, metadata.get("checksum", "")
