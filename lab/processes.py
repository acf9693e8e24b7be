"""Start and stop the lab's own processes by pid file; teardown kills only what the lab started.

Every process the lab starts has a marker in its command line (its config path in
the state directory). A pid is only signalled when /proc shows that marker, so a
stale pid file after a crash never hits a recycled pid of someone else's process.
"""

import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PROGRAMS = {"nsd", "unbound", "master", "python", "python3", "python3.13"}


@dataclass(frozen=True)
class Started:
    name: str
    pid: int
    marker: str  # a string in the process's command line, unique to this lab's state dir


class AddressInUse(RuntimeError):
    """An address and port the lab needs is taken; the message says which."""


def check_free(address: str, port: int, kinds: tuple[int, ...] = (socket.SOCK_STREAM,)) -> None:
    """Raise AddressInUse when (address, port) cannot be bound."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    for kind in kinds:
        with socket.socket(family, kind) as probe:
            if kind == socket.SOCK_STREAM:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((address, port))
            except OSError as exc:
                proto = "tcp" if kind == socket.SOCK_STREAM else "udp"
                raise AddressInUse(
                    f"{address} port {port}/{proto} is in use ({exc.strerror}); "
                    "is another lab or a stock daemon running? Try `python -m lab status`."
                ) from None


def pid_dir(state: Path) -> Path:
    """STATE itself: .ci/run looks for var/lab/nsd.pid before it stops a stock nsd."""
    return state


def start(state: Path, name: str, argv: list[str], marker: str, log: Path) -> Started:
    """Start argv in its own session (so its children form one group) and write a pid file."""
    pid_dir(state).mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
    started = Started(name=name, pid=process.pid, marker=marker)
    (pid_dir(state) / f"{name}.pid").write_text(
        json.dumps({"pid": started.pid, "marker": marker, "argv": argv})
    )
    return started


def recorded(state: Path) -> list[Started]:
    """The processes the pid files name, whether or not they still run."""
    result = []
    for path in sorted(pid_dir(state).glob("*.pid")):
        try:
            item = json.loads(path.read_text())
            result.append(Started(name=path.stem, pid=int(item["pid"]), marker=item["marker"]))
        except (ValueError, KeyError, OSError):
            continue
    return result


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def is_ours(pid: int, marker: str) -> bool:
    """True when pid runs one of our programs with the marker in its command line."""
    argv = _cmdline(pid)
    if not argv or os.path.basename(argv[0]) not in PROGRAMS and not argv[0].endswith("python"):
        return False
    if _is_zombie(pid):
        return False
    return any(marker in part for part in argv)


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def running(state: Path) -> list[Started]:
    return [p for p in recorded(state) if is_ours(p.pid, p.marker)]


def lingering(markers: set[str]) -> list[int]:
    """Processes (e.g. NSD's children after its parent was killed) still carrying a marker."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        pid = int(entry.name)
        if any(is_ours(pid, marker) for marker in markers):
            found.append(pid)
    return found


def _signal(pid: int, signum: int) -> None:
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _reap(pid: int) -> None:
    """Collect the exit status when the caller (a pytest session) is the parent."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def stop_all(state: Path, timeout: float = 5.0) -> list[Started]:
    """Stop every process the pid files name (if it is still ours), then remove the files."""
    entries = recorded(state)
    markers = {p.marker for p in entries}
    targets = [p.pid for p in entries if is_ours(p.pid, p.marker)] + lingering(markers)
    targets = sorted(set(targets))
    for pid in targets:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(any(is_ours(pid, m) for m in markers) for pid in targets):
            break
        time.sleep(0.05)
    for pid in lingering(markers):
        _signal(pid, signal.SIGKILL)
    for pid in targets:
        _reap(pid)
    for path in pid_dir(state).glob("*.pid"):
        path.unlink(missing_ok=True)
    return entries
