"""The HTTP/1.1 exchange of an MTA-STS policy fetch, parsed by h11 (RFC 8461 section 3.3).

The bytes a policy server chooses are parsed by h11 (python-hyper's sans-I/O HTTP/1.1
parser, no I/O of its own), over the TLS connection the probe already holds; this module
only sets the limits: the response head (status line and headers together) at most
MAX_HEAD_BYTES, the body at most MAX_POLICY_BYTES (a Content-Length above it is refused
before the body is read), at most MAX_INFORMATIONAL 1xx answers. Redirects are returned,
never followed. Time is bounded by the caller.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import h11

MAX_POLICY_BYTES = 64 * 1024  # RFC 8461 section 3.3: senders may cap; 64 KiB is ample
MAX_HEAD_BYTES = 16 * 1024
MAX_INFORMATIONAL = 8
READ_BYTES = 16 * 1024


class PolicyHttpError(Exception):
    """The answer is not HTTP/1.x or breaks a limit: a protocol error of the server."""


@dataclass(frozen=True, slots=True)
class PolicyAnswer:
    status: int
    content_type: str
    location: str  # of a redirect, for the record
    body: bytes


Receive = Callable[[int], Awaitable[bytes]]  # up to n bytes; b"" once the peer closed


async def get(
    send: Callable[[bytes], None], receive: Receive, host: str, path: str, user_agent: str
) -> PolicyAnswer:
    """Send one GET and read its answer; PolicyHttpError for anything a server may not do."""
    connection = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD_BYTES)
    request = h11.Request(
        method="GET",
        target=path,
        headers=[
            ("Host", host),
            ("User-Agent", user_agent),
            ("Accept", "text/plain"),
            ("Connection", "close"),
        ],
    )
    send(connection.send(request) + connection.send(h11.EndOfMessage()))
    try:
        response, body = await _receive(connection, receive)
    except h11.RemoteProtocolError as exc:
        raise PolicyHttpError(f"not a valid HTTP/1.1 response: {exc}") from None
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in response.headers}
    return PolicyAnswer(
        status=response.status_code,
        content_type=headers.get("content-type", "")[:200],
        location=headers.get("location", "")[:200],
        body=bytes(body),
    )


async def _receive(connection: h11.Connection, receive: Receive) -> tuple[h11.Response, bytearray]:
    response, body, informational = None, bytearray(), 0
    while True:
        event = connection.next_event()
        if event is h11.NEED_DATA:
            connection.receive_data(await receive(READ_BYTES))
        elif isinstance(event, h11.InformationalResponse):
            informational += 1
            if informational > MAX_INFORMATIONAL:
                raise PolicyHttpError(f"more than {MAX_INFORMATIONAL} informational (1xx) answers")
        elif isinstance(event, h11.Response):
            response = event
            _check_length(event)
        elif isinstance(event, h11.Data):
            body += event.data
            if len(body) > MAX_POLICY_BYTES:
                raise PolicyHttpError(f"policy larger than {MAX_POLICY_BYTES} bytes")
        elif isinstance(event, h11.EndOfMessage):
            return response, body
        else:
            raise PolicyHttpError("the connection closed before the answer was complete")


def _check_length(response: h11.Response) -> None:
    for name, value in response.headers:
        if name == b"content-length" and int(value) > MAX_POLICY_BYTES:
            raise PolicyHttpError(f"policy larger than {MAX_POLICY_BYTES} bytes")
