"""The Lab handle tests get: addresses, the CA, the catalogue and the servers' connection log."""

from dataclasses import dataclass, field
from pathlib import Path

from lab import addresses, unbound
from lab.connlog import ConnectionRecord, clear_log, read_log
from lab.scenarios import SCENARIOS, Scenario


@dataclass(frozen=True)
class Lab:
    """A running lab. Addresses are fixed by lab.addresses; paths live in state_dir."""

    state_dir: Path
    ca_pem: Path
    resolver: str = addresses.RESOLVER
    resolver_port: int = addresses.DNS_PORT
    authoritative: str = addresses.AUTHORITATIVE
    smtp_port: int = addresses.SMTP_PORT
    https_port: int = addresses.HTTPS_PORT
    scenarios: tuple[Scenario, ...] = field(default=SCENARIOS, repr=False)
    # Why the lab runs without its IPv6 listener ("" when it has one): see control.up.
    ipv6_note: str = ""

    @property
    def ipv6(self) -> bool:
        return not self.ipv6_note

    def reachable(self, scenario: Scenario) -> bool:
        """Whether this lab serves every host of the scenario (not so for IPv6 without ::1)."""
        return self.ipv6 or not any(h.ipv6 for h in scenario.hosts)

    @property
    def log_path(self) -> Path:
        return self.state_dir / "smtp-connections.jsonl"

    def scenario(self, name: str) -> Scenario:
        return next(s for s in self.scenarios if s.name == name)

    def connection_log(self, address: str | None = None) -> list[ConnectionRecord]:
        """Connections to `address` (all when None), oldest first; open ones have end None."""
        return read_log(self.log_path, address)

    def clear_logs(self) -> None:
        clear_log(self.log_path)

    def flush(self) -> None:
        """Empty the resolver's caches."""
        unbound.flush(self.state_dir / "unbound.conf")

    def scale_domains(self) -> list[str]:
        """The synthetic domains of scale mode (empty when the lab runs without --scale)."""
        path = self.state_dir / "scale" / "domains.txt"
        return path.read_text().split() if path.exists() else []

    @classmethod
    def at(cls, state_dir: Path) -> "Lab":
        from lab.control import read_info

        note = read_info(state_dir).get("ipv6_note") or ""
        return cls(state_dir=state_dir, ca_pem=state_dir / "pki" / "ca.pem", ipv6_note=note)
