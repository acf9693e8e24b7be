"""The lab: a DNSSEC-signed internet in a box on loopback, for tests, the demo and benchmarks.

`python -m lab up | down | status`; tests use the `lab` fixture of lab.pytest_plugin.
"""


def flush() -> None:
    """Empty the running lab's resolver caches (after a zone changes)."""
    from lab.control import state_dir
    from lab.handle import Lab

    Lab.at(state_dir()).flush()


def scale_domains() -> list[str]:
    """The running lab's synthetic scale-mode domains."""
    from lab.control import state_dir
    from lab.handle import Lab

    return Lab.at(state_dir()).scale_domains()
