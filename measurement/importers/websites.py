"""From the register's messy website values to one website and a candidate mail domain."""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from measurement.domains import InvalidDomain, normalise_domain

# Values hold several URLs separated by spaces, ';' or ','.
_SEPARATORS = re.compile(r"[\s;,]+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# Links into the register itself say nothing about the organisation's own domain.
REGISTER_HOSTS = ("organisaties.overheid.nl", "almanak.overheid.nl")
PREFERRED_LABEL = "algemeen"
URL_MAX_LENGTH = 500  # Organisation.website


@dataclass(frozen=True)
class Website:
    url: str
    host: str
    domain: str  # the registrable domain of host, normalised


@cache
def _public_suffixes() -> PublicSuffixList:
    # The list ships inside the package; it is never fetched at run time.
    return PublicSuffixList()


def registrable_domain(host: str) -> str | None:
    """The registrable domain ("eTLD+1") of a normalised host name, or None for a suffix."""
    return _public_suffixes().privatesuffix(host)


def websites_in(value: str) -> list[Website]:
    """Every usable website in one register value, in order."""
    return list(_websites(value))


def _websites(value: str) -> Iterator[Website]:
    for token in _SEPARATORS.split(value or ""):
        website = _website(token)
        if website is not None:
            yield website


def _website(token: str) -> Website | None:
    token = token.strip().strip("<>\"'")
    if not token or token.lower().startswith("mailto:"):
        return None
    url = token if _SCHEME.match(token) else f"https://{token}"
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        return None
    try:
        host = normalise_domain(hostname)
    except InvalidDomain:
        return None
    if any(host == r or host.endswith("." + r) for r in REGISTER_HOSTS):
        return None
    if host.startswith("www."):
        host = host[4:]
    domain = registrable_domain(host)
    if domain is None:
        return None
    # Scheme and host are case-insensitive (RFC 3986 section 6.2.2.1): store them in lower case.
    url = parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()
    return Website(url=url if len(url) <= URL_MAX_LENGTH else "", host=host, domain=domain)


def preferred_website(addresses: Iterable[tuple[str, str]]) -> Website | None:
    """The website of an organisation from its (url, label) pairs.

    The first usable URL labelled "algemeen" wins, else the first usable URL at all.
    """
    first = None
    for url, label in addresses:
        preferred = (label or "").strip().lower() == PREFERRED_LABEL
        if first is not None and not preferred:
            continue  # only a preferred one can still win: not worth parsing
        website = next(_websites(url), None)  # the first usable URL of the value
        if website is None:
            continue
        if preferred:
            return website
        first = website
    return first
