"""What one TLS handshake costs the probe's client, alone: the floor under CPU per probe.

Run with a lab up (`python -m lab up`):

    .venv/bin/python bench/handshake.py [--handshakes 400]

Each round opens an SMTP connection to the lab's DANE-EE server, says EHLO and STARTTLS
over a plain blocking socket, then hands the handshake to the probe's own TLS context
(measurement.probe.tls) over memory BIOs, as the probe does. Only the CPU spent inside
the TLS calls is counted (this thread's time), so the SMTP dialogue, the socket calls and
the server's share are left out. Prints figures; asserts nothing.
"""

import argparse
import socket
import ssl
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lab import control  # noqa: E402
from lab.handle import Lab  # noqa: E402
from measurement.probe.tls import handshake_facts, observation_context  # noqa: E402

HOST = "mx.dane-ee.example"


def starttls_socket(address: str, port: int) -> socket.socket:
    sock = socket.create_connection((address, port), timeout=10)
    replies = sock.makefile("rb")

    def reply() -> None:
        while replies.readline()[3:4] == b"-":
            pass

    reply()
    sock.sendall(b"EHLO bench.example\r\n")
    reply()
    sock.sendall(b"STARTTLS\r\n")
    reply()
    return sock


def handshake_cpu(address: str, port: int) -> float:
    """Thread CPU seconds inside the TLS calls of one client handshake."""
    sock = starttls_socket(address, port)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    spent = 0.0
    try:
        start = time.thread_time()
        tls = observation_context().wrap_bio(incoming, outgoing, server_hostname=HOST)
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                spent += time.thread_time() - start
                sock.sendall(outgoing.read())
                incoming.write(sock.recv(65536))
                start = time.thread_time()
        handshake_facts(tls)  # version, cipher and the chain, as the probe reads them
        spent += time.thread_time() - start
        sock.sendall(outgoing.read())  # the client Finished
    finally:
        sock.close()
    return spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handshakes", type=int, default=400)
    args = parser.parse_args()
    state, users = control.attach()
    try:
        lab = Lab.at(state)
        host = next(h for s in lab.scenarios for h in s.hosts if h.name == HOST)
        handshake_cpu(host.ipv4, lab.smtp_port)  # warm up: context, imports
        costs = sorted(handshake_cpu(host.ipv4, lab.smtp_port) for _ in range(args.handshakes))
    finally:
        control.detach(state, users)
    middle = costs[len(costs) // 2]
    print(f"{ssl.OPENSSL_VERSION}: {args.handshakes} client handshakes with {HOST}")
    print(f"  client CPU per handshake: mean {sum(costs) / len(costs) * 1000:.3f} ms, "
          f"median {middle * 1000:.3f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
