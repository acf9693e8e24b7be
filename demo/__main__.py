"""`make demo`: migrate the embedded database and serve the dashboard (scan wiring follows)."""

import os
import sys

from django.core.management import call_command


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    call_command("runserver", "127.0.0.1:8000", use_reloader=False)


if __name__ == "__main__":
    sys.exit(main())
