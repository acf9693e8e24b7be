"""Parser for exportRIO.xml, the Register Internetdomeinen Overheid.

Yields one DomainRegistration per registered domain of an organisation (cancelled ones
too, with their cancellation date), or an InvalidRow.
"""

import datetime
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from measurement.domains import InvalidDomain, normalise_domain
from measurement.importers.records import (
    DOMAIN,
    ORGANISATION,
    DomainRegistration,
    ImportRejected,
    InvalidRow,
)
from measurement.importers.xml_stream import (
    attribute,
    child_text,
    parse_date,
    top_level_elements,
)

SCHEMA_NAMESPACE = re.compile(
    r"^https?://organisaties\.overheid\.nl/static/schema/oo/export/\d+(\.\d+)*/?$"
)
ROOT_NAME = "RegisterInternetdomeinenOverheid"


def check_root(namespace: str, local_name: str) -> None:
    if local_name != ROOT_NAME or not SCHEMA_NAMESPACE.match(namespace):
        raise ImportRejected(
            _(
                "Dit is geen exportRIO.xml: het hoofdelement is %(root)r in namespace "
                "%(namespace)r, verwacht %(expected)r in "
                "https://organisaties.overheid.nl/static/schema/oo/export/…. "
                "Is het exportOO.xml, gebruik dan --format oo-xml."
            )
            % {"root": local_name, "namespace": namespace, "expected": ROOT_NAME}
        )


def parse_rio_xml(stream: BinaryIO) -> Iterator[DomainRegistration | InvalidRow]:
    """Stream the domain registrations of an exportRIO.xml."""
    for namespace, element in top_level_elements(stream, "organisatie", check_root):
        yield from _registrations(element, f"{{{namespace}}}", namespace)


def _registrations(
    element: ET.Element, p: str, namespace: str
) -> Iterator[DomainRegistration | InvalidRow]:
    register_id = attribute(element, namespace, "systeemId")
    tooi = attribute(element, namespace, "resourceIdentifierTOOI")
    name = child_text(element, f"{p}naam")
    where = _("organisatie %(id)s (%(name)s)") % {
        "id": register_id or tooi or "?",
        "name": name or _("zonder naam"),
    }
    if not tooi:
        yield InvalidRow(
            where, _("resourceIdentifierTOOI ontbreekt: niet te koppelen"), ORGANISATION
        )
        return
    found: dict[str, DomainRegistration] = {}
    for registration in element.iterfind(f"{p}domeinnaamregistraties/{p}domeinnaamregistratie"):
        raw = child_text(registration, f"{p}naam")
        here = f"{where}, {_('domein')} {raw!r}"
        try:
            domain = normalise_domain(registered_name(raw))
            registered_on = parse_date(child_text(registration, f"{p}geregistreerdSinds"))
            cancelled_on = parse_date(child_text(registration, f"{p}opgezegdSinds"))
        except (InvalidDomain, ValueError) as exc:
            yield InvalidRow(here, str(exc), DOMAIN)
            continue
        record = DomainRegistration(
            where=here,
            tooi=tooi,
            organisation_name=name,
            organisation_type=child_text(element, f"{p}types/{p}type"),
            abbreviation=child_text(element, f"{p}afkorting"),
            register_id=register_id,
            domain=domain,
            registered_on=registered_on,
            cancelled_on=cancelled_on,
        )
        found[domain] = latest_registration(found.get(domain), record)
    yield from found.values()


def registered_name(raw: str) -> str:
    """The registered name; one written as a URL (`https://x.nl/`) becomes its host name.

    Only when that is unambiguous: one http(s) URL with a host and nothing after it but
    '/'. Anything else stays as it is, and normalise_domain says what is wrong with it.
    """
    if "/" not in raw:
        return raw
    try:
        parts = urlsplit(raw)
        host, port = parts.hostname, parts.port
    except ValueError:
        return raw
    plain = parts.path in ("", "/") and not (parts.query or parts.fragment or port)
    if parts.scheme.lower() in ("http", "https") and host and plain and "@" not in parts.netloc:
        return host
    raise ValueError(
        _("%(value)r is een URL die niet eenduidig één domeinnaam noemt") % {"value": raw}
    )


def latest_registration(
    earlier: DomainRegistration | None, later: DomainRegistration
) -> DomainRegistration:
    """Of two registrations of one domain (cancelled, then registered again), the one in force.

    A registration without cancellation date wins; else the one cancelled last.
    """
    if earlier is None:
        return later

    def in_force(r: DomainRegistration) -> tuple:
        return (r.cancelled_on is None, r.cancelled_on or datetime.date.min)

    return later if in_force(later) >= in_force(earlier) else earlier
