"""The servers' connection log: one JSON line when a connection opens and one when it closes.

Tests read it to assert the politeness rules of DESIGN.md section 3 (one connection
at a time per address, nothing sent before the greeting, always QUIT).
"""

import asyncio
import itertools
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ConnectionRecord:
    """One connection as a lab server saw it. Times are wall-clock (time.time())."""

    id: str
    protocol: str  # "smtp" or "https"
    peer: str  # client address, without the port
    peer_port: int
    server: str  # the lab address that was connected to
    start: float
    end: float | None  # None while the connection is still open
    commands: tuple[str, ...]  # SMTP command lines (or the HTTP request line), in order
    bytes_before_greeting: bool  # the client spoke before our 220 (RFC 5321 section 4.3.1)
    tls: bool = False  # a TLS handshake completed
    error: str = ""

    @property
    def open(self) -> bool:
        return self.end is None


class ConnectionLogWriter:
    """Appends records from the server process; one write per line keeps lines whole."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, event: str, record: dict) -> None:
        line = json.dumps({"event": event, **record}, separators=(",", ":")) + "\n"
        os.write(self._fd, line.encode())


_ids = itertools.count(1)


def new_record(protocol: str, writer: asyncio.StreamWriter, server: str, *, tls: bool) -> dict:
    """The log record of a connection just accepted by a lab server (see ConnectionRecord)."""
    peer = writer.get_extra_info("peername") or ("?", 0)
    return {
        "id": f"{os.getpid()}-{protocol[0]}{next(_ids)}",
        "protocol": protocol,
        "peer": peer[0],
        "peer_port": peer[1],
        "server": server,
        "start": time.time(),
        "commands": [],
        "bytes_before_greeting": False,
        "tls": tls,
    }


def read_log(path: Path, address: str | None = None) -> list[ConnectionRecord]:
    """Records in the order the connections opened; open connections have end None."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return []
    records: dict[str, dict] = {}
    for line in text.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue  # a line being written right now
        if address is not None and item.get("server") != address:
            continue
        event = item.pop("event", "open")
        if event == "open":
            records.setdefault(item["id"], item)
        else:
            records[item["id"]] = item
    return [
        ConnectionRecord(
            id=r["id"],
            protocol=r.get("protocol", "smtp"),
            peer=r["peer"],
            peer_port=r.get("peer_port", 0),
            server=r["server"],
            start=r["start"],
            end=r.get("end"),
            commands=tuple(r.get("commands", ())),
            bytes_before_greeting=r.get("bytes_before_greeting", False),
            tls=r.get("tls", False),
            error=r.get("error", ""),
        )
        for r in sorted(records.values(), key=lambda r: r["start"])
    ]


def clear_log(path: Path) -> None:
    """Empty the log; the server keeps appending to the same (O_APPEND) file."""
    if path.exists():
        os.truncate(path, 0)
