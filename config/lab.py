"""Scanner settings that point at the lab (tests, `make demo`, `check_domain --lab`)."""

from typing import Any


def lab_scanner_settings(lab: Any, **overrides: Any) -> dict[str, Any]:
    """Loopback targets allowed, the lab CA trusted, the lab resolver, short waits.

    The greeting time-out stays well above the slow-greeting scenario's 6 s delay, also
    when a loaded machine makes the lab's servers late.
    """
    return {
        "SCANNER_RESOLVER": lab.resolver,
        "SCANNER_RESOLVER_PORT": lab.resolver_port,
        "SCANNER_LAB_MODE": True,
        "SCANNER_TRUST_STORE": str(lab.ca_pem),
        "SCANNER_SMTP_PORT": lab.smtp_port,
        "SCANNER_HTTPS_PORT": lab.https_port,
        "SCANNER_GREETING_TIMEOUT": 12.0,
        "SCANNER_COMMAND_TIMEOUT": 4.0,
        "SCANNER_PROBE_TIMEOUT": 25.0,
        "SCANNER_ADDRESS_GAP": 0.05,
        "SCANNER_RETRY_DELAY": 0.5,
        # The slow-greeting host would cost its 6 s on each of some 20 connections.
        "SCANNER_TLS_QUALITY_SECONDS": 20.0,
        **overrides,
    }


def running_lab() -> Any:
    """The handle of the lab that `python -m lab up` started, or a clear error."""
    from lab import control
    from lab.handle import Lab

    state = control.state_dir()
    if not control.healthy(state):
        raise RuntimeError("the lab is not running: start it with `python -m lab up`")
    return Lab.at(state)
