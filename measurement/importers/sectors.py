"""The sector of an organisation, from its register type or from a CSV label (DESIGN.md 7)."""

from measurement.models import Sector

# Ministries and the bodies of the central government that answer to a ministry.
RIJK_TYPES = frozenset(
    {
        "ministerie",
        "agentschap",
        "zelfstandig bestuursorgaan",
        "inspectie",
        "adviescollege",
        "hoog college van staat",
        "planbureau",
        "interdepartementale commissie",
    }
)
SECTOR_BY_TYPE = {
    "provincie": Sector.PROVINCIE,
    "gemeente": Sector.GEMEENTE,
    "waterschap": Sector.WATERSCHAP,
} | dict.fromkeys(RIJK_TYPES, Sector.RIJK)


def sector_for_type(organisation_type: str) -> Sector | None:
    """The sector a main type decides, or None when the type decides nothing (a unit)."""
    return SECTOR_BY_TYPE.get(" ".join(organisation_type.lower().split()))


def sector_of(organisation_type: str, parent_sector: str | None = None) -> str:
    """Sector from the main type; units of an organisation share their parent's sector."""
    decided = sector_for_type(organisation_type)
    if decided is not None:
        return decided.value
    return parent_sector or Sector.SEMI_PUBLIEK.value


def _label_key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


# CSV values: the Sector values, their Dutch labels and the singular forms.
_SECTOR_LABELS = {
    _label_key(alias): sector
    for sector, aliases in {
        Sector.RIJK: ("rijk", "rijksoverheid"),
        Sector.PROVINCIE: ("provincie", "provincies"),
        Sector.GEMEENTE: ("gemeente", "gemeenten"),
        Sector.WATERSCHAP: ("waterschap", "waterschappen"),
        Sector.SEMI_PUBLIEK: ("semi_publiek", "(semi-)publiek", "semipubliek", "publiek"),
    }.items()
    for alias in aliases
}


def parse_sector(value: str) -> Sector | None:
    """The sector a CSV cell names (value or Dutch label, any case), or None."""
    return _SECTOR_LABELS.get(_label_key(value))
