import pytest
from django.utils import translation

pytest_plugins = ["lab.pytest_plugin"]


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language (Dutch). A request through the test
    client runs in the test's thread, and LocaleMiddleware leaves its language active
    there; in some test orders the importers' Dutch row names came out English."""
    yield
    translation.deactivate()
