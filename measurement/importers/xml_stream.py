"""Streaming over a register export: one organisation element at a time, memory bounded.

Every element is cleared once read, whatever it is; an organisation (with its units) is
held only until it is done with. What a hostile file could make large is refused with a
clear message: nesting deeper than the schemas go, one organisation larger than
MAX_RECORD_BYTES, or a text or attribute larger than MAX_TEXT_BYTES (the file's size
as a whole is bounded in sources.py).
"""

import datetime
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _

from measurement.importers.records import ImportRejected

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
CHUNK_BYTES = 64 * 1024
# The exports nest organisations in units about ten levels deep at most (two elements
# per level, a few more for contact details): anything much deeper is not an export.
MAX_DEPTH = 100
# One organisation with all its units: half of all of today's export (over 30 MB);
# 16 MB of the smallest elements a hostile file can choose take about 80 MB of memory.
MAX_RECORD_BYTES = 16 * 1024 * 1024
MAX_TEXT_BYTES = 8 * 1024 * 1024  # bytes read without a single tag in them


def split_tag(tag: str) -> tuple[str, str]:
    """'{namespace}local' -> (namespace, local)."""
    if tag.startswith("{"):
        namespace, _sep, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


@dataclass
class _Walk:
    """Where the parser is: open elements, the record being read, and bytes fed."""

    wanted: str  # the local name of the records
    check_root: object
    namespace: str | None = None
    record_tag: str = ""  # "{namespace}" + wanted, once the root is read
    record_depth: int = 0  # open elements named `wanted`
    record_started: int = 0  # bytes fed when the outermost record opened
    fed: int = 0
    last_event: int = 0  # bytes fed at the last event

    def __post_init__(self):
        self.open: list[ET.Element] = []


def top_level_elements(
    stream: BinaryIO, local_name: str, check_root
) -> Iterator[tuple[str, ET.Element]]:
    """Yield (namespace, element) for each outermost element named local_name.

    check_root(namespace, local) raises ImportRejected for a file of the wrong kind; it is
    called on the root element before anything else is read. Nested elements of the same
    name stay inside their outermost one.
    """
    parser = ET.XMLPullParser(events=("start", "end"))
    walk = _Walk(local_name, check_root)
    try:
        while chunk := stream.read(CHUNK_BYTES):
            walk.fed += len(chunk)
            parser.feed(chunk)
            yield from _events(parser, walk)
            _check_sizes(walk)
        parser.close()
        yield from _events(parser, walk)
    except ET.ParseError as exc:
        line, column = exc.position
        raise ImportRejected(
            _(
                "Het XML-bestand is onvolledig of ongeldig (regel %(line)d, kolom %(column)d): "
                "%(reason)s. Er is niets geïmporteerd."
            )
            % {"line": line, "column": column, "reason": str(exc).split(": line")[0]}
        ) from exc
    if walk.namespace is None:
        raise ImportRejected(_("Het bestand is leeg."))


def _events(parser: ET.XMLPullParser, walk: _Walk) -> Iterator[tuple[str, ET.Element]]:
    # The hot loop of an import (two events per element, millions in a large export):
    # plain locals and no calls for the elements inside a record.
    open_elements = walk.open
    record_tag = walk.record_tag
    element = None
    for event, element in parser.read_events():
        if event == "start":
            if not record_tag:
                record_tag = _root(element, walk)
            open_elements.append(element)
            if len(open_elements) > MAX_DEPTH:
                _refuse_depth()
            if element.tag == record_tag:
                if walk.record_depth == 0:
                    walk.record_started = walk.fed
                walk.record_depth += 1
            continue
        open_elements.pop()
        if element.tag == record_tag:
            walk.record_depth -= 1
            if walk.record_depth == 0:
                yield walk.namespace, element
        elif walk.record_depth:
            continue  # part of the record being read: cleared with it
        if walk.record_depth == 0:
            element.clear()
            if open_elements:
                open_elements[-1].remove(element)
    if element is not None:  # there were events: the text between tags is small
        walk.last_event = walk.fed


def _root(element: ET.Element, walk: _Walk) -> str:
    """Check the root element; the tag of the records in its namespace."""
    walk.namespace, root_name = split_tag(element.tag)
    walk.check_root(walk.namespace, root_name)
    walk.record_tag = f"{{{walk.namespace}}}{walk.wanted}"
    return walk.record_tag


def _refuse_depth() -> None:
    raise ImportRejected(
        _(
            "Het bestand is dieper genest dan %(depth)d elementen; zo diep gaat geen "
            "export van het register. Er is niets geïmporteerd."
        )
        % {"depth": MAX_DEPTH}
    )


def _check_sizes(walk: _Walk) -> None:
    if walk.fed - walk.last_event > MAX_TEXT_BYTES:
        raise ImportRejected(
            _(
                "Het bestand bevat een tekst of attribuut van meer dan %(mb)d MB zonder één "
                "element erin (na byte %(position)d); zo ziet geen export eruit. Er is niets "
                "geïmporteerd."
            )
            % {"mb": MAX_TEXT_BYTES // 2**20, "position": walk.last_event}
        )
    if walk.record_depth and walk.fed - walk.record_started > MAX_RECORD_BYTES:
        raise ImportRejected(
            _(
                "Eén organisatie (vanaf byte %(position)d) beslaat meer dan %(mb)d MB; zo "
                "groot is geen organisatie in het register. Er is niets geïmporteerd."
            )
            % {"mb": MAX_RECORD_BYTES // 2**20, "position": walk.record_started}
        )


def attribute(element: ET.Element, namespace: str, name: str) -> str:
    """An attribute that is namespace-qualified in the exports, or plain in older files."""
    value = element.get(f"{{{namespace}}}{name}")
    if value is None:
        value = element.get(name, "")
    return value.strip()


def child_text(element: ET.Element, path: str) -> str:
    found = element.find(path)
    if found is None or found.text is None:
        return ""
    return " ".join(found.text.split())


def parse_date(text: str) -> datetime.date | None:
    """An xs:date (perhaps with a time zone or time after it); ValueError when unreadable."""
    text = text.strip()
    if not text:
        return None
    if not _DATE.match(text):
        raise ValueError(_("ongeldige datum %(value)r") % {"value": text})
    return datetime.date.fromisoformat(text[:10])
