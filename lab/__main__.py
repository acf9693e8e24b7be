"""`python -m lab up [--scale N] [--greeting-delay S] | down | status`."""

import argparse
import sys

from lab import control, processes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start NSD, Unbound, the SMTP/HTTPS servers and Postfix")
    up.add_argument("--scale", type=int, default=0, help="add N synthetic domains")
    up.add_argument(
        "--greeting-delay", type=float, default=0.0, help="greeting delay of healthy scale hosts"
    )
    up.add_argument(
        "--no-postfix", action="store_true", help="serve the Postfix scenario ourselves"
    )
    commands.add_parser("down", help="stop every process the lab started")
    commands.add_parser("status", help="what runs where")
    args = parser.parse_args(argv)
    if args.command == "up":
        options = control.UpOptions(
            scale=args.scale, greeting_delay=args.greeting_delay, postfix=not args.no_postfix
        )
        try:
            info = control.up(options=options)
        except (control.LabError, processes.AddressInUse) as exc:
            print(f"lab up: {exc}", file=sys.stderr)
            return 1
        print(f"lab up in {info['startup_seconds']} s; resolver {info['resolver']}:53")
        return 0
    if args.command == "down":
        stopped = control.down()
        print(f"lab down: stopped {', '.join(p.name for p in stopped) or 'nothing'}")
        return 0
    try:
        print(control.status())
    except BrokenPipeError:  # `python -m lab status | head`
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
