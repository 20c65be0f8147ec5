"""Sending outbox messages over SMTP with Flask-Mail, with a connection timeout.

Flask-Mail opens its SMTP connection without a timeout, so a silent server would hang the
worker; the connection here is the same but bounded. A 5xx reply is permanent, anything else
is left to the outbox's retry. One connection carries a whole run of messages: opening one
(TCP, EHLO, STARTTLS, AUTH) for every e-mail cost more than sending it.
"""

from __future__ import annotations

import smtplib

from flask import current_app
from flask_mail import Connection, Message

from app.models import OutboxMessage
from app.services.distribution.outbox import PermanentDeliveryError


class _TimedConnection(Connection):
    def configure_host(self) -> smtplib.SMTP:
        config = current_app.config
        host = smtplib.SMTP(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"]
        )
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


class SmtpSession:
    """One SMTP connection for a run of messages: opened by the first, closed after a failure.

    A connection that failed is never reused: the next message opens a fresh one. A server may
    also close a connection it has kept for a while; a message that finds it closed is sent
    again, once, on a new connection, rather than waiting for the outbox's retry.
    """

    def __init__(self) -> None:
        self._connection: Connection | None = None

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.host is not None:
            try:
                connection.host.quit()
            except (smtplib.SMTPException, OSError):
                connection.host.close()

    def send(self, message: OutboxMessage) -> None:
        """Deliver one message now; raise for the outbox to retry or fail it."""
        email = _email(message)
        reused = self._connection is not None
        try:
            self._send(email)
        except smtplib.SMTPServerDisconnected:
            if not reused:
                raise
            self._send(email)  # _send closed the dropped connection; this opens a new one

    def _send(self, email: Message) -> None:
        try:
            if self._connection is None:
                self._connection = _TimedConnection(current_app.extensions["mail"]).__enter__()
            self._connection.send(email)
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            reason = _permanent_reason(error)
            if reason:
                raise PermanentDeliveryError(reason) from error
            raise


def _permanent_reason(error: Exception) -> str | None:
    """Why a failure is final (a 5xx reply), or None when a retry may succeed."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return f"recipient refused: {error.recipients}" if all(c >= 500 for c in codes) else None
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500:
        return f"{error.smtp_code} {error.smtp_error!r}"
    return None


def _email(message: OutboxMessage) -> Message:
    email = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.body_text,
        html=message.body_html,
        extra_headers=dict(message.headers),
    )
    # The same Message-ID on every attempt: a message resent after a crash between the server's
    # acceptance and our commit (unavoidable with SMTP) is recognisably the same message.
    email.msgId = f"<touchloop.outbox.{message.id}@{_domain(email.sender)}>"
    return email


def _domain(sender: object) -> str:
    address = sender[1] if isinstance(sender, tuple) else str(sender)
    return address.rstrip(">").rpartition("@")[2] or "touchloop.invalid"


def mail_configured() -> bool:
    """Whether this deployment sends e-mail; without a server, messages wait in the outbox."""
    return bool(current_app.config.get("MAIL_SERVER"))
