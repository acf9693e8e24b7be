"""The methodology option of docs/methodology.md ("Lezingen"): the Internet.nl reading.

Every scan judges and stores both readings of STARTTLS and "STARTTLS en DANE": today's
(the default, methodology version METHODOLOGY_VERSION) and Internet.nl's, in which they
pass only when the TLS configuration (check "TLS (NCSC)") passes too (the verdict
columns starttls_internetnl and starttls_dane_internetnl). The figures of a scan are
stored under both versions: under "<version>-internetnl" the checks starttls and
starttls_dane are counted from the Internet.nl columns, everything else is the same.
Which reading the dashboard shows is the setting METHODOLOGY_READING.
"""

from enum import StrEnum


class Reading(StrEnum):
    DEFAULT = "default"
    INTERNETNL = "internetnl"


SUFFIX = "-internetnl"  # of the Internet.nl reading's methodology version
# Under the Internet.nl reading, these checks are counted from these verdict columns.
INTERNETNL_COLUMNS = {
    "starttls": "starttls_internetnl",
    "starttls_dane": "starttls_dane_internetnl",
}


def version_of(version: str, reading: str) -> str:
    """The methodology version of a reading of figures judged under `version`."""
    if reading == Reading.INTERNETNL and not version.endswith(SUFFIX):
        return version + SUFFIX
    return version


def versions(version: str) -> tuple[str, ...]:
    """Every version a scan judged under `version` stores its figures under."""
    return tuple(version_of(version, reading) for reading in Reading)


def judged_version(version: str) -> str:
    """The version whose verdicts the figures of `version` count."""
    return version.removesuffix(SUFFIX)


def column_of(check: str, version: str) -> str:
    """The verdict column that counts as `check` in the figures of `version`."""
    reading = Reading.INTERNETNL if version.endswith(SUFFIX) else Reading.DEFAULT
    return column_in(check, reading)


def column_in(check: str, reading: str) -> str:
    """The verdict column that counts as `check` in a reading."""
    return INTERNETNL_COLUMNS.get(check, check) if reading == Reading.INTERNETNL else check
