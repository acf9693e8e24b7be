"""Open an import source, a local file or an http(s) URL, as a binary stream of bounded size."""

import io
import os
import urllib.request
from contextlib import contextmanager
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from measurement.importers.records import ImportRejected

DOWNLOAD_TIMEOUT = 60  # seconds per socket operation, not for the whole download


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def too_large(source: str, limit: int) -> ImportRejected:
    return ImportRejected(
        _(
            "%(source)s is groter dan %(mb)d MB (IMPORT_MAX_MEGABYTES); zo groot is geen "
            "export van het register. Er is niets geïmporteerd."
        )
        % {"source": source, "mb": limit // 2**20}
    )


class _Bounded(io.RawIOBase):
    """A stream that refuses to read past `limit` bytes (a download of unknown length)."""

    def __init__(self, raw: BinaryIO, source: str, limit: int):
        self.raw, self.source, self.limit, self.read_so_far = raw, source, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(min(len(buffer), self.limit + 1 - self.read_so_far))
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            raise too_large(self.source, self.limit)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


@contextmanager
def open_source(source: str, max_bytes: int | None = None):
    """Yield a binary stream; a URL is read as it downloads, never stored whole.

    A source larger than max_bytes (default: the IMPORT_MAX_MEGABYTES setting) is
    refused: a local file before it is read, a download when it gets there.
    """
    limit = max_bytes if max_bytes is not None else settings.IMPORT_MAX_MEGABYTES * 2**20
    try:
        if is_url(source):
            request = urllib.request.Request(source, headers={"User-Agent": "mailbeveiliging"})
            raw: BinaryIO = urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT)
        else:
            if os.path.getsize(source) > limit:
                raise too_large(source, limit)
            raw = open(source, "rb")  # noqa: SIM115 - closed below
    except (OSError, ValueError) as exc:
        raise ImportRejected(
            _("Kan %(source)s niet openen: %(reason)s") % {"source": source, "reason": exc}
        ) from exc
    with io.BufferedReader(_Bounded(raw, source, limit)) as stream:
        yield stream
