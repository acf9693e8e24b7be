"""A synthetic government for the demo: about 60 fictional organisations over all sectors.

Every name carries "(demo)": these are not real organisations. Their mail domains are
the lab's scenario domains and synthetic scale domains, so the dashboard shows every
kind of result, from fully DANE-secured to unreachable.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

ORGANISATIONS: tuple[tuple[str, str], ...] = (
    ("rijk", "Ministerie van Voorbeeldzaken"),
    ("rijk", "Ministerie van Proefneming en Meting"),
    ("rijk", "Ministerie van Denkbeeldige Infrastructuur"),
    ("rijk", "Dienst Uitvoering Voorbeelden"),
    ("rijk", "Agentschap Testdata"),
    ("rijk", "Inspectie Fictieve Diensten"),
    ("rijk", "Adviescollege Proefmetingen"),
    ("rijk", "Rijksdienst voor Demonstraties"),
    ("rijk", "Centraal Bureau Voorbeeldregisters"),
    ("rijk", "Autoriteit Denkbeeldige Markten"),
    ("rijk", "Nationaal Archief der Voorbeelden"),
    ("rijk", "Raad voor Proefrechtspraak"),
    ("provincie", "Provincie Noord-Voorbeeld"),
    ("provincie", "Provincie Zuid-Voorbeeld"),
    ("provincie", "Provincie Oost-Proefland"),
    ("provincie", "Provincie West-Proefland"),
    ("provincie", "Provincie Midden-Demo"),
    ("provincie", "Provincie Kustland"),
    ("gemeente", "Gemeente Voorbeeld-aan-Zee"),
    ("gemeente", "Gemeente Proefdorp"),
    ("gemeente", "Gemeente Demostad"),
    ("gemeente", "Gemeente Testerveen"),
    ("gemeente", "Gemeente Nepwijk"),
    ("gemeente", "Gemeente Fictiedam"),
    ("gemeente", "Gemeente Oud-Voorbeeld"),
    ("gemeente", "Gemeente Nieuw-Proefland"),
    ("gemeente", "Gemeente Meetveld"),
    ("gemeente", "Gemeente Steekproefhuizen"),
    ("gemeente", "Gemeente Laboratoriumdal"),
    ("gemeente", "Gemeente Sandboxhoven"),
    ("gemeente", "Gemeente Schijnbroek"),
    ("gemeente", "Gemeente Denkbeeldrecht"),
    ("gemeente", "Gemeente Proeflanden"),
    ("gemeente", "Gemeente Ijkmeer"),
    ("gemeente", "Gemeente Monsterberg"),
    ("gemeente", "Gemeente Kalibratiewolde"),
    ("gemeente", "Gemeente Tussenstad"),
    ("gemeente", "Gemeente Nulmeting"),
    ("waterschap", "Waterschap Voorbeeldrijn"),
    ("waterschap", "Waterschap Proefpolder"),
    ("waterschap", "Hoogheemraadschap Demodelta"),
    ("waterschap", "Waterschap Testmaas"),
    ("waterschap", "Waterschap Nepvecht"),
    ("waterschap", "Wetterskip Foarbyld"),
    ("semi_publiek", "Veiligheidsregio Voorbeeld"),
    ("semi_publiek", "GGD Proefregio"),
    ("semi_publiek", "Omgevingsdienst Demoland"),
    ("semi_publiek", "Belastingsamenwerking Testgebied"),
    ("semi_publiek", "Gemeenschappelijke Regeling Voorbeeldzorg"),
    ("semi_publiek", "Hogeschool van Proefneming"),
    ("semi_publiek", "Universitair Medisch Centrum Demostad"),
    ("semi_publiek", "Kamer van Voorbeelden"),
    ("semi_publiek", "Pensioenfonds Denkbeeldig"),
    ("semi_publiek", "Regionaal Archief Proefland"),
    ("semi_publiek", "Waterbedrijf Voorbeeld"),
    ("semi_publiek", "Openbaar Vervoer Demoregio"),
    ("semi_publiek", "Sociale Dienst Testgebied"),
    ("semi_publiek", "Stichting Voorbeeldonderwijs"),
    ("semi_publiek", "Politieacademie Proefland"),
    ("semi_publiek", "Rekenkamer Demoregio"),
)


def interleaved() -> list[tuple[str, str]]:
    """The organisations taking the sectors in turn, so any prefix covers every sector."""
    by_sector: dict[str, list[tuple[str, str]]] = {}
    for organisation in ORGANISATIONS:
        by_sector.setdefault(organisation[0], []).append(organisation)
    queues = list(by_sector.values())
    order = []
    while any(queues):
        for queue in queues:
            if queue:
                order.append(queue.pop(0))
    return order


def assignments(domains: list[str]) -> Iterator[tuple[str, str, str]]:
    """(organisation, sector, domain): every domain to one organisation, round-robin."""
    organisations = interleaved()
    for index, domain in enumerate(domains):
        sector, name = organisations[index % len(organisations)]
        yield f"{name} (demo)", sector, domain


def write_register(path: Path, domains: list[str]) -> int:
    """The demo register as a CSV in the importer's documented columns; returns its rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = list(assignments(domains))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["organisation", "sector", "domain"])
        writer.writerows(rows)
    return len(rows)
