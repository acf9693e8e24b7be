"""The session-scoped `lab` fixture: reuse a running lab, or start one and stop it at the end.

Enable with `pytest_plugins = ["lab.pytest_plugin"]` in tests/conftest.py.
"""

from collections.abc import Iterator

import pytest

from lab import control
from lab.handle import Lab

# Scale domains in the tests' lab: enough for every fault (lab/scale.py), so that two
# scans of one scale lab can be compared (tests/lab/test_scale.py).
TEST_SCALE = 60


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    options = control.UpOptions(owner="pytest", scale=TEST_SCALE, every_fault=True)
    state, users = control.attach(options=options)
    try:
        yield Lab.at(state)
    finally:
        control.detach(state, users)


def skip_unless_reachable(lab: Lab, scenario) -> None:
    """Skip, saying why, a test of a scenario this lab cannot serve (IPv6 without [::1]:25)."""
    if not lab.reachable(scenario):
        pytest.skip(f"{scenario.name} needs the lab's IPv6 listener, absent here: {lab.ipv6_note}")
