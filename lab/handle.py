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
        return cls(state_dir=state_dir, ca_pem=state_dir / "pki" / "ca.pem")
