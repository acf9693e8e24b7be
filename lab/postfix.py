"""A real Postfix smtpd for one scenario: interop with a real MTA (own config dir, own master)."""

from pathlib import Path

from lab.pki import Issued
from lab.scenarios import Host


def available() -> bool:
    return False


def start(state: Path, host: Host, issued: Issued) -> None:
    raise NotImplementedError


def answers(host: Host) -> bool:
    return False
