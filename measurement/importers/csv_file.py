"""Parser for the organisation CSV: organisation, sector, domain and an optional tooi.

UTF-8 with or without BOM, ',' or ';' as separator (read from the header), header row
required, columns matched by name in any order. docs/importers.md describes the format.
"""

import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

from measurement.domains import InvalidDomain, normalise_domain
from measurement.importers.records import CsvRow, ImportRejected, InvalidRow
from measurement.importers.sectors import parse_sector

# Column names (lower case) and the Dutch names accepted beside them.
COLUMNS = {
    "organisation": ("organisation", "organisatie"),
    "sector": ("sector",),
    "domain": ("domain", "domein", "domeinnaam"),
    "tooi": ("tooi", "tooi uri", "tooi-identifier"),
}
REQUIRED = ("organisation", "sector", "domain")
NAME_MAX_LENGTH = 300  # Organisation.name


def sniff_delimiter(header: str) -> str:
    """';' when the header holds more semicolons than commas, else ','."""
    return ";" if header.count(";") > header.count(",") else ","


def parse_csv(stream: BinaryIO) -> Iterator[CsvRow | InvalidRow]:
    """Stream the rows of an organisation CSV; raise ImportRejected for a bad header."""
    # utf-8-sig drops a BOM when there is one.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        header_line = text.readline()
        if not header_line.strip():
            raise ImportRejected(_("Het CSV-bestand is leeg of de kopregel ontbreekt."))
        delimiter = sniff_delimiter(header_line)
        header = next(csv.reader([header_line], delimiter=delimiter))
        positions = _column_positions(header)
        reader = csv.reader(text, delimiter=delimiter)
        for cells in reader:
            # The header was line 1; csv counts lines of quoted fields too.
            line = reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            yield _row(cells, positions, line)
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            _("Het CSV-bestand is geen UTF-8 (byte %(position)d): sla het op als UTF-8.")
            % {"position": exc.start}
        ) from exc
    except csv.Error as exc:
        raise ImportRejected(
            _("Het CSV-bestand is onleesbaar: %(reason)s") % {"reason": exc}
        ) from exc
    finally:
        # Leave the caller's stream open (the caller closes it), unless it already has.
        if not stream.closed:
            text.detach()


def _column_positions(header: list[str]) -> dict[str, int]:
    names = [" ".join(cell.strip().lower().split()) for cell in header]
    positions = {}
    for column, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in names:
                positions[column] = names.index(alias)
                break
    missing = [column for column in REQUIRED if column not in positions]
    if missing:
        raise ImportRejected(
            _(
                "Kolom %(missing)s ontbreekt in de kopregel %(header)r; verwacht: "
                "organisation, sector, domain en eventueel tooi."
            )
            % {"missing": ", ".join(missing), "header": header}
        )
    return positions


def _row(cells: list[str], positions: dict[str, int], line: int) -> CsvRow | InvalidRow:
    def cell(column: str) -> str:
        position = positions.get(column)
        if position is None or position >= len(cells):
            return ""
        return cells[position].strip()

    where = _("regel %(line)d") % {"line": line}
    organisation = " ".join(cell("organisation").split())
    if not organisation:
        return InvalidRow(where, _("organisatie ontbreekt"))
    if len(organisation) > NAME_MAX_LENGTH:
        return InvalidRow(
            where, _("organisatienaam is langer dan %(limit)d tekens") % {"limit": NAME_MAX_LENGTH}
        )
    sector = parse_sector(cell("sector"))
    if sector is None:
        return InvalidRow(
            where,
            _(
                "onbekende sector %(value)r (rijk, provincie, gemeente, waterschap, semi_publiek "
                "of de Nederlandse benaming)"
            )
            % {"value": cell("sector")},
        )
    try:
        domain = normalise_domain(cell("domain"))
    except InvalidDomain as exc:
        return InvalidRow(where, _("domein: %(reason)s") % {"reason": exc})
    return CsvRow(
        where=where,
        organisation=organisation,
        sector=sector.value,
        domain=domain,
        tooi=cell("tooi") or None,
    )
