"""Streaming over a register export: one organisation element at a time, cleared after use."""

import datetime
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

from measurement.importers.records import ImportRejected

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def split_tag(tag: str) -> tuple[str, str]:
    """'{namespace}local' -> (namespace, local)."""
    if tag.startswith("{"):
        namespace, _sep, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def top_level_elements(
    stream: BinaryIO, local_name: str, check_root
) -> Iterator[tuple[str, ET.Element]]:
    """Yield (namespace, element) for each outermost element named local_name.

    check_root(namespace, local) raises ImportRejected for a file of the wrong kind; it is
    called on the root element before anything else is read. Nested elements of the same
    name stay inside their outermost one. After the consumer is done with an element it is
    cleared and detached, so memory stays flat however large the file is.
    """
    open_elements: list[ET.Element] = []
    namespace = None
    depth = 0  # open elements named local_name
    try:
        for event, element in ET.iterparse(stream, events=("start", "end")):
            if event == "start":
                if namespace is None:
                    namespace, root_name = split_tag(element.tag)
                    check_root(namespace, root_name)
                open_elements.append(element)
                if element.tag == f"{{{namespace}}}{local_name}":
                    depth += 1
                continue
            open_elements.pop()
            if element.tag != f"{{{namespace}}}{local_name}":
                continue
            depth -= 1
            if depth == 0:
                yield namespace, element
                element.clear()
                if open_elements:
                    open_elements[-1].remove(element)
    except ET.ParseError as exc:
        line, column = exc.position
        raise ImportRejected(
            _(
                "Het XML-bestand is onvolledig of ongeldig (regel %(line)d, kolom %(column)d): "
                "%(reason)s. Er is niets geïmporteerd."
            )
            % {"line": line, "column": column, "reason": str(exc).split(": line")[0]}
        ) from exc
    if namespace is None:
        raise ImportRejected(_("Het bestand is leeg."))


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
