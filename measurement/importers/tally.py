"""Counting while an import runs, the rule for invalid rows (refuse all or skip), batching."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.utils.translation import gettext as _

from measurement.importers.records import Counts, ImportRejected, ImportSummary, InvalidRow

BATCH_SIZE = 1000  # rows per database round trip while a file streams


def batches(items: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass
class Tally:
    """Mutable counts of one import; frozen into an ImportSummary at the end."""

    skip_invalid: bool = False
    organisations: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("created", "updated", "unchanged", "ended"), 0)
    )
    domains: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("created", "updated", "unchanged", "ended"), 0)
    )
    skipped: list[InvalidRow] = field(default_factory=list)

    def invalid(self, row: InvalidRow) -> None:
        """Skip the row with --skip-invalid; otherwise refuse the whole file."""
        if not self.skip_invalid:
            raise ImportRejected(
                _(
                    "%(row)s. Er is niets geïmporteerd; verbeter het bestand of gebruik "
                    "--skip-invalid om de overige rijen te importeren."
                )
                % {"row": row}
            )
        self.skipped.append(row)

    def summary(self) -> ImportSummary:
        """The counts; a file that held no record at all is refused (it stored nothing)."""
        counted = (*self.organisations.values(), *self.domains.values())
        if not self.skipped and not any(counted):
            raise ImportRejected(
                _(
                    "Het bestand bevat geen enkele organisatie, eenheid of domein; er is niets "
                    "geïmporteerd: is dit het goede bestand en het goede --format?"
                )
            )
        return ImportSummary(
            organisations=Counts(**self.organisations),
            domains=Counts(**self.domains),
            skipped=tuple(self.skipped),
        )
