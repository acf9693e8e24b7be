"""The session-scoped `lab` fixture: reuse a running lab, or start one and stop it at the end.

Enable with `pytest_plugins = ["lab.pytest_plugin"]` in tests/conftest.py.
"""

from collections.abc import Iterator

import pytest

from lab import control
from lab.handle import Lab


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    state, users = control.attach()
    try:
        yield Lab.at(state)
    finally:
        control.detach(state, users)
