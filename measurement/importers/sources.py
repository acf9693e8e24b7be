"""Open an import source, a local file or an http(s) URL, as a binary stream."""

import urllib.request
from contextlib import contextmanager
from typing import BinaryIO

from django.utils.translation import gettext as _

from measurement.importers.records import ImportRejected

DOWNLOAD_TIMEOUT = 60  # seconds per socket operation, not for the whole download


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


@contextmanager
def open_source(source: str):
    """Yield a binary stream; a URL is read as it downloads, never stored whole."""
    try:
        if is_url(source):
            request = urllib.request.Request(source, headers={"User-Agent": "mailbeveiliging"})
            stream: BinaryIO = urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT)
        else:
            stream = open(source, "rb")  # noqa: SIM115 - closed below
    except (OSError, ValueError) as exc:
        raise ImportRejected(
            _("Kan %(source)s niet openen: %(reason)s") % {"source": source, "reason": exc}
        ) from exc
    with stream:
        yield stream
