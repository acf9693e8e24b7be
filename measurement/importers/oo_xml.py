"""Parser for exportOO.xml of the Register van Overheidsorganisaties (schema 2.x).

Yields one OrganisationRecord per organisation and nested unit, parents before their
units, or an InvalidRow for an organisation that cannot be used.
"""

import datetime
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _

from measurement.importers.records import (
    ORGANISATION,
    ImportRejected,
    InvalidRow,
    OrganisationRecord,
    organisation_key,
)
from measurement.importers.sectors import sector_of
from measurement.importers.websites import preferred_website
from measurement.importers.xml_stream import (
    attribute,
    child_text,
    parse_date,
    top_level_elements,
)

# The namespace carries the schema version (2.6.9, 2.6.13 ...; older files 2.4.x on almanak).
SCHEMA_NAMESPACE = re.compile(
    r"^https?://(organisaties|almanak)\.overheid\.nl/static/schema/oo/export/(?P<version>2(\.\d+)*)/?$"
)
# Before 2.5 the export had another structure altogether (ids as p:systemId elements, no
# TOOI, a section per kind of organisation): those files are refused, not half read.
FIRST_SUPPORTED = (2, 5)
ROOT_NAME = "overheidsorganisaties"
TOOI_PREFIX = "https://identifier.overheid.nl/tooi/id/"
# Organisation model field lengths: longer values are refused rather than cut off.
MAX_LENGTHS = {"name": 300, "abbreviation": 100, "organisation_type": 100, "tooi": 200}


def check_root(namespace: str, local_name: str) -> None:
    """Refuse anything but an exportOO.xml of schema version 2.5 or later, saying what was found."""
    matched = SCHEMA_NAMESPACE.match(namespace)
    if local_name != ROOT_NAME or not matched:
        raise ImportRejected(
            _(
                "Dit is geen exportOO.xml met schemaversie 2.x: het hoofdelement is "
                "%(root)r in namespace %(namespace)r, verwacht %(expected)r in "
                "https://organisaties.overheid.nl/static/schema/oo/export/2.… "
                "Is het exportRIO.xml, gebruik dan --format rio-xml."
            )
            % {"root": local_name, "namespace": namespace, "expected": ROOT_NAME}
        )
    version = matched["version"]
    if tuple(int(part) for part in version.split(".")[:2]) < FIRST_SUPPORTED:
        raise ImportRejected(
            _(
                "Dit exportOO.xml heeft schemaversie %(version)s: die export is anders "
                "opgebouwd (ids als p:systemId-elementen, geen TOOI, een aparte sectie per "
                "soort organisatie) en wordt niet ondersteund. Gebruik de huidige export "
                "(schemaversie 2.5 of later) van "
                "https://organisaties.overheid.nl/archive/exportOO.xml. Er is niets "
                "geïmporteerd."
            )
            % {"version": version}
        )


def schema_version(namespace: str) -> str:
    return namespace.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class _Context:
    """What a unit takes from the organisation it is nested in."""

    key: str
    sector: str
    valid_to: datetime.date | None


def parse_oo_xml(stream: BinaryIO) -> Iterator[OrganisationRecord | InvalidRow]:
    """Stream the organisations of an exportOO.xml; raise ImportRejected for a bad file."""
    for namespace, element in top_level_elements(stream, "organisatie", check_root):
        yield from _organisation_tree(element, f"{{{namespace}}}", namespace, None)


def _organisation_tree(
    element: ET.Element, p: str, namespace: str, parent: _Context | None
) -> Iterator[OrganisationRecord | InvalidRow]:
    record = _organisation(element, p, namespace, parent)
    yield record
    if isinstance(record, OrganisationRecord):
        context = _Context(record.key, record.sector, record.valid_to)
    else:
        # The unit keeps what can be known of an invalid parent; the parent link stays
        # empty in the database because the parent itself is not imported.
        context = _Context(
            organisation_key(
                tooi_of(element, p, namespace), attribute(element, namespace, "systeemId")
            ),
            parent.sector if parent else sector_of(_main_type(element, p)),
            parent.valid_to if parent else None,
        )
    for unit in element.iterfind(f"{p}organisaties/{p}organisatie"):
        yield from _organisation_tree(unit, p, namespace, context)


def tooi_of(element: ET.Element, p: str, namespace: str) -> str | None:
    """The TOOI: the attribute, else a p:identificatiecodes/p:resourceIdentifier holding one."""
    tooi = attribute(element, namespace, "resourceIdentifierTOOI")
    if tooi:
        return tooi
    for code in element.iterfind(f"{p}identificatiecodes/{p}resourceIdentifier"):
        text = (code.text or "").strip()
        if text.startswith(TOOI_PREFIX):
            return text
    return None


def _main_type(element: ET.Element, p: str) -> str:
    return child_text(element, f"{p}types/{p}type")


def _organisation(
    element: ET.Element, p: str, namespace: str, parent: _Context | None
) -> OrganisationRecord | InvalidRow:
    register_id = attribute(element, namespace, "systeemId")
    tooi = tooi_of(element, p, namespace)
    name = child_text(element, f"{p}naam")
    where = _("organisatie %(id)s (%(name)s)") % {
        "id": register_id or tooi or "?",
        "name": name or _("zonder naam"),
    }
    if not name:
        return InvalidRow(where, _("naam ontbreekt"), ORGANISATION)
    if not tooi and not register_id:
        return InvalidRow(
            where, _("zowel resourceIdentifierTOOI als systeemId ontbreken"), ORGANISATION
        )
    try:
        valid_from = parse_date(child_text(element, f"{p}startDatum"))
        own_end = parse_date(child_text(element, f"{p}eindDatum"))
    except ValueError as exc:
        return InvalidRow(where, str(exc), ORGANISATION)
    organisation_type = _main_type(element, p)
    values = {
        "name": name,
        "abbreviation": child_text(element, f"{p}afkorting"),
        "organisation_type": organisation_type,
        "tooi": tooi or "",
    }
    if problem := _too_long(values):
        return InvalidRow(where, problem, ORGANISATION)
    # A unit of an ended organisation has ended with it (REGISTERS.md): its end is the
    # earlier of its own and its parent's.
    ends = [d for d in (own_end, parent.valid_to if parent else None) if d is not None]
    ministry = element.find(f"{p}relatieMetMinisterie")
    is_unit = parent is not None
    website = preferred_website(
        (child_text(address, f"{p}url"), child_text(address, f"{p}label"))
        for address in element.iterfind(f"{p}contact/{p}internetadressen/{p}internetadres")
    )
    return OrganisationRecord(
        where=where,
        name=name,
        tooi=tooi,
        register_id=register_id,
        organisation_type=organisation_type,
        sector=sector_of(organisation_type, parent.sector if parent else None),
        abbreviation=values["abbreviation"],
        parent_key=parent.key if parent else None,
        ministry_tooi=_ministry_attribute(ministry, namespace, "resourceIdentifierTOOI"),
        ministry_register_id=_ministry_attribute(ministry, namespace, "systeemId"),
        website=website.url if website else "",
        candidate_domain=website.domain if website and not is_unit else None,
        valid_from=valid_from,
        valid_to=min(ends) if ends else None,
        is_unit=is_unit,
    )


def _too_long(values: dict[str, str]) -> str:
    """Why a value does not fit its column, or ""."""
    for field_name, limit in MAX_LENGTHS.items():
        if len(values[field_name]) > limit:
            return _("%(field)s is langer dan %(limit)d tekens") % {
                "field": field_name,
                "limit": limit,
            }
    return ""


def _ministry_attribute(ministry: ET.Element | None, namespace: str, name: str) -> str | None:
    """An identifier of the ministry an organisation names, if it names one."""
    return attribute(ministry, namespace, name) or None if ministry is not None else None


def is_ended(valid_to: datetime.date | None, today: datetime.date | None = None) -> bool:
    """Ended when the end date has come; a future end date (a merger ahead) is still active."""
    return valid_to is not None and valid_to <= (today or timezone.localdate())
