"""Search for organisations, by name, abbreviation or domain (IDNA too)."""

from django.db.models import Q

from measurement.models import Organisation

MAX_SEARCH_LENGTH = 100


def clean_query(query: str | None) -> str:
    """A search string safe for any database: trimmed, capped, without NUL characters."""
    if not query:
        return ""
    query = "".join(ch for ch in str(query) if ch != "\x00" and ch.isprintable())
    return query.strip()[:MAX_SEARCH_LENGTH]


def search_organisations(query: str, limit: int = 20) -> list[Organisation]:
    """Organisations whose name, abbreviation or one of whose domains matches the query."""
    query = clean_query(query)
    if not query:
        return []
    condition = (
        Q(name__icontains=query)
        | Q(abbreviation__icontains=query)
        | Q(domains__name__icontains=query)
    )
    try:
        idna = query.encode("idna").decode("ascii").lower()
    except UnicodeError:
        idna = ""
    if idna and idna != query.lower():
        condition |= Q(domains__name__icontains=idna)
    ids = (
        Organisation.objects.filter(condition)
        .values_list("id", flat=True)
        .distinct()
        .order_by()[: limit * 4]
    )
    return list(Organisation.objects.filter(id__in=list(ids)).order_by("name")[:limit])
