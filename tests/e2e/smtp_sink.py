# SPDX-License-Identifier: Apache-2.0
"""A real SMTP server on loopback (Debian's python3-aiosmtpd) that keeps every message it accepts,
for the tests and benchmarks that follow SNS email (tests/e2e/test_sns.py, test_quickstart.py,
tests/bench/alarm_latency.py, which puts tests/e2e on sys.path to import it).

    with SmtpSink() as sink:                       # or sink = SmtpSink(port); ...; sink.stop()
        start trailwatch with --smtp-url smtp://127.0.0.1:{sink.port}
        mail = sink.wait(lambda m: m.subject.startswith("ALARM: "))
        mail.to, mail.subject, mail.body, mail.message, mail.accepted

wait() returns the first message, in arrival order, that the predicate accepts and removes it;
messages it passes over stay for later waits."""
import email
import email.message
import socket
import threading
import time
from dataclasses import dataclass


@dataclass
class Mail:
    accepted: float  # time.monotonic() when the server accepted the message
    to: list  # the envelope recipients
    message: email.message.Message
    subject: str
    body: str  # the text/plain part, decoded


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """`port`: listen there (0: a free port)."""

    def __init__(self, port=0):
        from aiosmtpd.controller import Controller
        self.port = port or free_port()
        self.server_address = ("127.0.0.1", self.port)
        self._mails = []
        self._arrived = threading.Condition()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    async def handle_DATA(self, server, session, envelope):
        accepted = time.monotonic()
        message = email.message_from_bytes(envelope.content)
        part = next((p for p in message.walk() if p.get_content_type() == "text/plain"), message)
        body = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
        mail = Mail(accepted, list(envelope.rcpt_tos), message, message["Subject"] or "", body)
        with self._arrived:
            self._mails.append(mail)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait(self, predicate=lambda mail: True, timeout=20):
        """The first message `predicate` accepts; TimeoutError when none arrives in time."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for i, mail in enumerate(self._mails):
                    if predicate(mail):
                        return self._mails.pop(i)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(m.to, m.subject) for m in self._mails]
                    raise TimeoutError(f"no matching email within {timeout} s; waiting: {seen}")
                self._arrived.wait(remaining)

    def wait_to(self, address, timeout=20):
        """The next message to `address`."""
        return self.wait(lambda mail: address in mail.to, timeout)

    def stop(self):
        self._controller.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
