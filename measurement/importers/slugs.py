"""Unique, stable slugs for organisations: the name, disambiguated by type when taken."""

from django.utils.text import slugify

SLUG_MAX_LENGTH = 320  # Organisation.slug
_BASE_MAX_LENGTH = 200  # leaves room for the type and a counter


def unique_slug(name: str, organisation_type: str, abbreviation: str, taken: set[str]) -> str:
    """A slug not in `taken` (which it joins): name, then name-type, name-abbreviation, name-N.

    Two organisations with one name (a waterschap and a gemeenschappelijke regeling of
    the same name) get different slugs. Existing organisations keep theirs when renamed,
    so links stay valid.
    """
    base = slugify(name)[:_BASE_MAX_LENGTH].strip("-") or "organisatie"
    if base not in taken:
        taken.add(base)
        return base
    for extra in (organisation_type, abbreviation):  # slugified only when needed (speed)
        suffix = slugify(extra)[:_BASE_MAX_LENGTH].strip("-")
        if suffix and f"{base}-{suffix}" not in taken:
            taken.add(f"{base}-{suffix}")
            return f"{base}-{suffix}"
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    slug = f"{base}-{number}"
    taken.add(slug)
    return slug
