"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives, and the e-mail
settings that send Django's mail to it over SMTP."""

import email
import email.policy
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from tests.system.services import free_port


@dataclass
class Mailbox:
    """What the server accepted; addresses in `refuse_once` get a 451 the first time."""

    messages: list = field(default_factory=list)
    refuse_once: set = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_once:
            self.refuse_once.discard(address)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [message for recipients, message in self.messages if address in recipients]


@pytest.fixture
def smtp_server(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    try:
        yield mailbox
    finally:
        controller.stop()
