"""How every download is written: columns, CSV text, XLSX cells and bad-filter answers.

Exports are language-independent: column names and codes are the same whatever language
the visitor reads the site in, so one URL is one file and caches may share it
(docs/api.md, "CSV exports").

CSV (RFC 4180): metadata lines first, written as plain text (`# key: value`), never
through the CSV writer and never holding free text, so no reader mistakes them for data;
then a header row and the rows. Every text cell is quoted, numbers are not: a `#` or a
line break inside a name then stays inside its quotes for every reader (pandas'
`comment="#"` included). A text cell that a spreadsheet would read as a formula gets an
apostrophe in front (OWASP, "CSV Injection"); the XLSX export stores such a cell as text
instead, so no apostrophe shows there.
"""

import csv
import datetime
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.http import FileResponse, HttpRequest, StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# What a metadata value may hold: codes, numbers, ISO dates, hex digests and URLs.
SAFE_METADATA = re.compile(r"[A-Za-z0-9_.:/+\-?=&%\[\]]*")
SEPARATORS = {"": ",", "comma": ",", "semicolon": ";"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BadFilter(ValueError):
    """A filter or option of a download that is malformed (answered with 400)."""


def same(value):
    """The stored value as it is (the default rendering)."""
    return value


@dataclass(frozen=True)
class Column:
    """One column of an export: its stable name, where its value comes from, how it shows.

    `source` is the field read from the database (a values_list name); `render` turns
    the stored value into the cell value (int, str, datetime or None).
    """

    name: str
    source: str
    render: Callable = same


def header(columns: Iterable[Column]) -> list[str]:
    return [column.name for column in columns]


def neutralise(value) -> str:
    """A cell as text that no spreadsheet executes as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_cell(value):
    """The CSV form of a cell: numbers stay numbers (unquoted), dates ISO 8601 text."""
    kind = type(value)  # exact types first: this runs for every cell of every export
    if kind is str:
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if kind is int or kind is float:
        return value
    if value is None or kind is bool:
        return "" if value is None else str(value).lower()
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return neutralise(value)


def metadata_line(key: str, value) -> str:
    """`# key: value`, plain text; refuses anything a CSV reader could take for a field."""
    text = value.isoformat() if isinstance(value, datetime.datetime) else str(value)
    if not SAFE_METADATA.fullmatch(key) or not SAFE_METADATA.fullmatch(text):
        raise ValueError(f"metadata {key!r} holds characters a CSV reader would split on")
    return f"# {key}: {text}\r\n"


class _Line:
    """A write-only buffer for csv.writer: writerow returns the formatted line."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    columns: Iterable[str],
    rows: Iterable[Iterable],
    delimiter: str = ",",
    metadata: Iterable[tuple[str, object]] = (),
) -> Iterator[str]:
    """Metadata lines, a header row, then the rows: the text of a CSV file, line by line."""
    writer = csv.writer(
        _Line(), delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_STRINGS
    )
    if delimiter == ";":
        yield BOM  # Excel with a Dutch locale reads UTF-8 only with a byte order mark
    for key, value in metadata:
        yield metadata_line(key, value)
    yield writer.writerow(list(columns))
    for row in rows:
        yield writer.writerow([csv_cell(cell) for cell in row])


def separator(request: HttpRequest) -> str:
    """`sep=semicolon` selects the variant for Excel with a Dutch locale."""
    value = request.GET.get("sep", "")
    if value not in SEPARATORS:
        raise BadFilter("sep must be comma or semicolon")
    return SEPARATORS[value]


def decimal(value: float | None, delimiter: str) -> float | str | None:
    """A decimal number as the variant writes it: a point, or a comma beside semicolons."""
    if value is None or delimiter != ";":
        return value
    return f"{value:.1f}".replace(".", ",")


def csv_response(
    lines: Iterator[str], filename: str, max_age: int, headers: dict | None = None
) -> StreamingHttpResponse:
    """A streamed CSV download, cacheable by anyone: it depends on its URL alone."""
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    for key, value in (headers or {}).items():
        response[key] = value
    return response


# --- XLSX ------------------------------------------------------------------------------


def xlsx_cell(sheet, value):
    """A typed XLSX cell: numbers as numbers, dates as dates (UTC), text always as text."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # Excel has no time zones: the value is UTC, as the column's documentation says.
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Stored as a string, so never evaluated; quotePrefix keeps it text when edited.
        cell.data_type = "s"
        cell.quotePrefix = value.startswith(FORMULA_PREFIXES)
    if isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    return cell


def xlsx_response(sheets: dict[str, Iterable[Iterable]], filename: str, max_age: int, headers):
    """A workbook of named sheets (openpyxl write-only mode: rows go to disk, not memory)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([xlsx_cell(sheet, value) for value in row])
    spool = tempfile.TemporaryFile()
    workbook.save(spool)
    spool.seek(0)
    response = FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    response["Cache-Control"] = f"public, max-age={max_age}"
    for key, value in headers.items():
        response[key] = value
    return response
