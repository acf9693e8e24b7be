"""`make demo`: the main job on embedded defaults, against the lab, with a year of history.

Loads a synthetic government of about 60 organisations (labelled demo data) through the
CSV importer and, on a fresh database, builds a believable past (demo/history.py): the
lab is started at each history stage in turn (lab.scale: adoption grows, one provider
fixes its hosts, one regresses), scanned in-process on SQLite, and each scan is dated
back to its place in the year: a nulmeting a year ago, a half-year round, weekly scans
in between and today's round. Then it serves the dashboard on http://127.0.0.1:8000
until Ctrl-C and stops the lab it started.
It prints two demo logins: a beheerder of a gemeente and Forum staff (demo/logins.py).
"""

import os
import signal
import subprocess
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
    from lab.scenarios import TLD

    state = control.state_dir()
    if control.healthy(state):
        print(
            "Er draait al een lab: de demo start het zelf, per stadium van zijn geschiedenis. "
            "Stop het eerst met `python -m lab down`.",
            file=sys.stderr,
        )
        return 1
    # The demo runs on embedded defaults against the lab, whatever this shell has set:
    # synthetic organisations must never reach a real database or a real resolver.
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"):
        os.environ.pop(name, None)
    for name, value in lab_scanner_settings(Lab.at(state)).items():
        os.environ[name] = str(value)
    # The biggest synthetic provider plays the government's own (the setting's example).
    os.environ["MAIL_PROVIDER_PATTERNS"] = f"Rijks-ICT (demo)=*.p001.scale.{TLD}"
    import django

    django.setup()
    try:
        run(state)
    finally:
        control.down(state)
    return 0


def lab_at(state, stage: int) -> None:
    """(Re)start the lab with its scale domains at one history stage."""
    from lab import control

    control.down(state)
    print(f"Lab starten, stadium {stage} (DNS, resolver, mail- en webservers) ...", flush=True)
    control.up(state, control.UpOptions(owner="pytest", scale=SCALE_DOMAINS, stage=stage))


def scan(round_name: str) -> int:
    """One scan of the whole register in a process of its own (a fresh lab CA each stage)."""
    from measurement.models import Scan

    command = [sys.executable, "manage.py", "scan", "--no-progress"]
    subprocess.run(command + (["--round", round_name] if round_name else []), check=True)
    return Scan.objects.latest("created_at", "pk").pk


def run(state) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from demo import history
    from demo.government import write_register
    from demo.logins import create_demo_logins
    from lab.handle import Lab
    from measurement.models import Scan

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    today = timezone.now()
    moments = history.plan(today)
    built = Scan.objects.filter(kind=Scan.Kind.ROUND, name=moments[0].round_name).exists()
    lab_at(state, moments[-1].stage if built else moments[0].stage)
    lab = Lab.at(state)
    register = settings.VAR_DIR / "demo" / "register.csv"
    write_register(register, [s.domain for s in lab.scenarios] + lab.scale_domains())
    call_command("import_organisations", "--format", "csv", str(register))
    if built:
        print("De geschiedenis bestaat al; een nieuwe wekelijkse scan van vandaag.", flush=True)
        scan("")
    else:
        stage = moments[0].stage
        for moment in moments:
            if moment.stage != stage:
                lab_at(state, moment.stage)
                stage = moment.stage
            history.backdate(scan(moment.round_name), today, moment.weeks_ago)
        print("\n" + history.describe(moments, today), flush=True)
    print(f"\nDashboard: http://{HOST_PORT}/  (Ctrl-C stopt de demo en het lab)", flush=True)
    print(f"Inloggen: http://{HOST_PORT}/account/inloggen/", flush=True)
    for login, organisation in create_demo_logins():
        print(
            f"  {login.who}{f' ({organisation})' if organisation else ''}: "
            f"gebruiker {login.username}, wachtwoord {login.password}",
            flush=True,
        )
    print("E-mail (uitnodigingen, meldingen) verschijnt hier op de console.\n", flush=True)
    try:
        call_command("runserver", HOST_PORT, use_reloader=False)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
