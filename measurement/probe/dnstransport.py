"""The resolver's sockets: shared UDP channels with replies matched by id, TCP for a
reply truncated over UDP. Queries and replies are built and read by dnswire.py.
"""

import asyncio
import random
import socket
import struct

from measurement.probe.dnswire import Response, build_query, matching_response

RECEIVE_BUFFER = 4 * 1024 * 1024


class UdpChannel(asyncio.DatagramProtocol):
    """One connected UDP socket to the resolver; replies are matched to queries by id."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.waiting: dict[int, asyncio.Future[bytes]] = {}

    @classmethod
    async def open(cls, address: str, port: int) -> "UdpChannel":
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        for option in (getattr(socket, "SO_RCVBUFFORCE", None), socket.SO_RCVBUF):
            try:
                sock.setsockopt(socket.SOL_SOCKET, option, RECEIVE_BUFFER)
                break
            except (OSError, TypeError):
                continue
        try:
            sock.setblocking(False)
            sock.connect((address, port))
            channel = cls()
            await asyncio.get_running_loop().create_datagram_endpoint(lambda: channel, sock=sock)
        except BaseException:
            sock.close()
            raise
        return channel

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        if len(data) >= 12 and (future := self.waiting.get(data[0] << 8 | data[1])):
            if not future.done():
                future.set_result(data)

    def error_received(self, exc: Exception) -> None:
        pass  # e.g. ICMP port unreachable: the waiting queries time out

    def connection_lost(self, exc) -> None:
        for future in self.waiting.values():
            if not future.done():
                future.cancel()

    async def exchange(self, name: str, rdtype: int, timeout: float) -> Response:
        """Send one query and wait for its reply (same id, same question)."""
        assert self.transport is not None
        qid = random.getrandbits(16)
        while qid in self.waiting:
            qid = random.getrandbits(16)
        future = asyncio.get_running_loop().create_future()
        self.waiting[qid] = future
        try:
            self.transport.sendto(build_query(qid, name, rdtype))
            async with asyncio.timeout(timeout):
                wire = await future
        finally:
            del self.waiting[qid]
        return matching_response(wire, qid, name, rdtype)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def tcp_exchange(address: str, port: int, name: str, rdtype: int, timeout: float) -> Response:
    """One query over TCP (RFC 7766), for an answer truncated over UDP."""
    qid = random.getrandbits(16)
    query = build_query(qid, name, rdtype)
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(address, port)
        try:
            writer.write(struct.pack("!H", len(query)) + query)
            (length,) = struct.unpack("!H", await reader.readexactly(2))
            wire = await reader.readexactly(length)
        finally:
            writer.close()
    return matching_response(wire, qid, name, rdtype)
