import pytest
from django.utils import translation

pytest_plugins = ["lab.pytest_plugin"]


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language (Dutch): a request through the test
    client runs in this thread, and LocaleMiddleware leaves its language active after it
    (an English request made the importers' Dutch messages English in later tests)."""
    yield
    translation.deactivate()
