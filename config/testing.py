"""The tests' development mode, switched on explicitly before Django reads its settings.

Loaded by pytest as an early plugin (`-p config.testing` in pyproject.toml's addopts),
before pytest-django imports config.settings: production is the settings' default, so
without this the tests would refuse to start for want of a SECRET_KEY.
"""

import os

os.environ["DEBUG"] = "true"  # whatever the shell says: the tests run in development mode
