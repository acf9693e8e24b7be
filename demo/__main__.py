"""`make demo`: the main job on embedded defaults, against the lab.

Starts the lab (an internet in a box on loopback, with synthetic scale domains), loads a
synthetic government of about 60 organisations (labelled demo data) through the CSV
importer, runs a measurement round and a regular scan in-process on SQLite, and serves
the dashboard on http://127.0.0.1:8000 until Ctrl-C, then stops the lab it started.
"""

import os
import signal
import sys

SCALE_DOMAINS = 40
HOST_PORT = os.environ.get("DEMO_ADDRESS", "127.0.0.1:8000")


def main() -> int:
    # A polite `kill` (SIGTERM) ends the demo like Ctrl-C: the lab it started is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Development mode, explicitly: debug pages and the development key, on loopback only.
    os.environ["DEBUG"] = "true"
    from config.lab import lab_scanner_settings
    from lab import control
    from lab.handle import Lab

    print("Lab starten (DNS, resolver, mail- en webservers op 127.x.y.z) ...", flush=True)
    state, users = control.attach(
        options=control.UpOptions(owner="pytest", scale=SCALE_DOMAINS)
    )  # owner "pytest": stopped by detach() below when nobody else uses it
    try:
        lab = Lab.at(state)
        # The demo runs on embedded defaults against the lab, whatever this shell has set:
        # synthetic organisations must never reach a real database or a real resolver.
        for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"):
            os.environ.pop(name, None)
        for name, value in lab_scanner_settings(lab).items():
            os.environ[name] = str(value)
        import django

        django.setup()
        run(lab)
    finally:
        control.detach(state, users)
    return 0


def run(lab) -> None:
    from django.conf import settings
    from django.core.management import call_command

    from demo.government import write_register
    from measurement.models import Scan

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    domains = [s.domain for s in lab.scenarios] + lab.scale_domains()
    register = settings.VAR_DIR / "demo" / "register.csv"
    write_register(register, domains)
    call_command("import_organisations", "--format", "csv", str(register))
    if not Scan.objects.filter(kind=Scan.Kind.ROUND, name="Nulmeting (demo)").exists():
        call_command("scan", "--round", "Nulmeting (demo)")
    call_command("scan")
    print(f"\nDashboard: http://{HOST_PORT}/  (Ctrl-C stopt de demo en het lab)\n", flush=True)
    try:
        call_command("runserver", HOST_PORT, use_reloader=False)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
