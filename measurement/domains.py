"""Domain name normalisation: lower case, IDNA A-label, no trailing dot, validated."""

import ipaddress
import re

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class InvalidDomain(ValueError):
    """A value that is not a usable mail domain; the message says why."""


def normalise_domain(value: str) -> str:
    """Return the canonical form of a domain name or raise InvalidDomain with the reason."""
    if not isinstance(value, str):
        raise InvalidDomain("geen tekst")
    name = value.strip().rstrip(".").lower()
    if not name:
        raise InvalidDomain("lege domeinnaam")
    if _is_ip_literal(name):
        raise InvalidDomain(f"{value!r} is een IP-adres, geen domeinnaam")
    try:
        name = name.encode("idna").decode("ascii") if not name.isascii() else name
    except UnicodeError as exc:
        raise InvalidDomain(
            f"{value!r} is geen geldige internationale domeinnaam ({exc})"
        ) from None
    if len(name) > 253:
        raise InvalidDomain(f"domeinnaam is {len(name)} tekens, het maximum is 253")
    labels = name.split(".")
    if len(labels) < 2:
        raise InvalidDomain(f"{value!r} heeft geen topdomein")
    for label in labels:
        if not label:
            raise InvalidDomain(f"{value!r} bevat een leeg label")
        if not _LABEL.match(label):
            raise InvalidDomain(f"{value!r} bevat een ongeldig label {label!r}")
    if labels[-1].isdigit():
        raise InvalidDomain(f"{value!r} heeft een numeriek topdomein")
    return name


def _is_ip_literal(name: str) -> bool:
    candidate = name.strip("[]")
    if ":" not in candidate and not candidate.replace(".", "").isdigit():
        return False  # not IPv6 (no colon) nor IPv4 (digits and dots): no need to parse
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True
