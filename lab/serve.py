"""The lab's server process: every SMTP and HTTPS listener of one lab in one event loop.

Run as `python -m lab.serve --config STATE/servers.json`; the lab starts and stops it.
"""

import os
from pathlib import Path

# Before ssl is imported: OpenSSL reads its configuration once (lab/tls_profiles.py).
os.environ["OPENSSL_CONF"] = str(Path(__file__).with_name("openssl-lab.cnf"))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import signal  # noqa: E402

from lab.connlog import ConnectionLogWriter  # noqa: E402
from lab.httpsd import HttpsListener, serve_https  # noqa: E402
from lab.smtpd import SmtpListener, serve_smtp  # noqa: E402


async def run(config: dict) -> None:
    log = ConnectionLogWriter(Path(config["log"]))
    servers = []
    for item in config["smtp"]:
        servers.append(await serve_smtp(SmtpListener(**item), log))
    for item in config["https"]:
        servers.append(await serve_https(HttpsListener(**item), log))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    ready = Path(config["ready"])
    ready.write_text(f"{os.getpid()}\n")
    await stop.wait()
    for server in servers:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True, type=Path)
    args = parser.parse_args()
    asyncio.run(run(json.loads(args.config.read_text())))


if __name__ == "__main__":
    main()
