"""A real Dovecot (Debian's 2.3 packages) for tests: an unprivileged instance with its
own configuration, base_dir and mail under a temporary directory, IMAP and
submission on loopback, and its oauth2 passdb asking our introspection endpoint.

Started as root (CI containers), the whole instance runs as Dovecot's own system
user; started as anyone else, as that user. Under ``CI=true`` a missing Dovecot
fails the test instead of skipping it.
"""

from __future__ import annotations

import base64
import imaplib
import os
import pwd
import secrets
import shutil
import smtplib
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .services import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = oauth-ext-test-{port_imap}
log_path = {root}/dovecot.log
protocols = imap submission
listen = 127.0.0.1
ssl = no
# OAUTHBEARER and XOAUTH2 count as plaintext mechanisms; these tests speak over loopback.
disable_plaintext_auth = no
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
auth_mechanisms = oauthbearer xoauth2
auth_debug = {debug}
# Tests: a refused login answers at once (default 2 s).
auth_failure_delay = 0
auth_cache_size = {cache_size}
auth_cache_ttl = 1 hour
auth_cache_negative_ttl = 0
hostname = mail.example.com
submission_relay_host = 127.0.0.1
submission_relay_port = {port_relay}
submission_relay_trusted = yes
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port_imap}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service submission-login {{
  chroot =
  inet_listener submission {{
    address = 127.0.0.1
    port = {port_submission}
  }}
}}
service anvil {{
  chroot =
}}
# One passdb per protocol: each service checks its own scope (and audience).
protocol imap {{
  passdb {{
    driver = oauth2
    mechanisms = xoauth2 oauthbearer
    args = {root}/imap.conf.ext
  }}
}}
protocol submission {{
  passdb {{
    driver = oauth2
    mechanisms = xoauth2 oauthbearer
    args = {root}/submission.conf.ext
  }}
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/mail/%u
}}
"""

# The oauth2 passdb (see docs/mail.md): POST the token with the introspection
# client's credentials, require an active answer, the SASL user as ``username`` and
# the service's scope.
PASSDB = """\
introspection_mode = post
introspection_url = {introspection_url}
client_id = {client_id}
client_secret = {client_secret}
username_attribute = username
active_attribute = active
active_value = true
scope = {scope}
{audience}timeout_msecs = 5000
debug = {debug}
"""


def require_dovecot() -> None:
    """Fail under CI, skip elsewhere, when Debian's Dovecot is not installed."""
    if os.path.exists(DOVECOT) and os.path.exists("/usr/lib/dovecot/submission"):
        return
    message = "Dovecot is required (apt-get install -y dovecot-imapd dovecot-submissiond; .ci/dovecot does it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited with {process.returncode}: {log.read_text() if log.exists() else ''}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"dovecot did not listen on {port}")


@dataclass
class Dovecot:
    """One running instance; ``imap()`` and ``smtp()`` connect to it."""

    root: Path
    port_imap: int
    port_submission: int
    port_relay: int
    process: subprocess.Popen | None = None
    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, *, introspection_url: str, client_id: str, client_secret: str, services: dict[str, tuple[str, str]],
              relay_port: int, cache_size: str = "0", debug: str = "yes") -> Dovecot:
        """``services``: protocol (imap, submission) -> (scope, audience) its passdb requires."""
        require_dovecot()
        account = pwd.getpwnam("dovecot") if os.getuid() == 0 else pwd.getpwuid(os.getuid())
        root = Path(tempfile.mkdtemp(prefix="oauth-ext-dovecot-"))
        for sub in ("run", "state", "mail"):
            (root / sub).mkdir()
        instance = cls(root, free_port(), free_port(), relay_port)
        values = {"root": str(root), "user": account.pw_name, "group": account.pw_name, "port_imap": instance.port_imap,
                  "port_submission": instance.port_submission, "port_relay": relay_port, "cache_size": cache_size, "debug": debug,
                  "introspection_url": introspection_url, "client_id": client_id, "client_secret": client_secret}
        (root / "dovecot.conf").write_text(CONFIG.format(**values))
        for protocol, (scope, audience) in services.items():
            (root / f"{protocol}.conf.ext").write_text(
                PASSDB.format(**values, scope=scope, audience=f"audience = {audience}\n" if audience else ""))
        for path in [root, *root.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid)
        instance.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(root / "dovecot.conf")], user=account.pw_uid, group=account.pw_gid,
            extra_groups=[] if os.getuid() == 0 else None, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        try:
            _wait_for(instance.port_imap, instance.process, root / "dovecot.log")
            _wait_for(instance.port_submission, instance.process, root / "dovecot.log")
        except Exception:
            instance.stop()
            raise
        return instance

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def imap(self) -> imaplib.IMAP4:
        return _IMAP4("127.0.0.1", self.port_imap, timeout=15)

    def smtp(self) -> smtplib.SMTP:
        return smtplib.SMTP("127.0.0.1", self.port_submission, timeout=15, source_address=(_client_address(), 0))


def _client_address() -> str:
    """A loopback address per connection: Dovecot delays logins from an address that
    just failed (anvil's auth penalty, up to 15 s), which would only slow the tests."""
    return f"127.{secrets.randbelow(254) + 1}.{secrets.randbelow(254) + 1}.{secrets.randbelow(254) + 1}"


class _IMAP4(imaplib.IMAP4):
    def _create_socket(self, timeout):
        return socket.create_connection((self.host, self.port), timeout, source_address=(_client_address(), 0))


# --- SASL initial responses as clients send them -----------------------------------

def oauthbearer(user: str, token: str, port: int) -> str:
    """RFC 7628 §3.1 (Dovecot 2.3 requires the ``a=`` authzid)."""
    return f"n,a={user},\x01host=127.0.0.1\x01port={port}\x01auth=Bearer {token}\x01\x01"


def xoauth2(user: str, token: str, port: int = 0) -> str:
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


MECHANISMS = {"OAUTHBEARER": oauthbearer, "XOAUTH2": xoauth2}


def imap_login(server: Dovecot, mechanism: str, user: str, token: str) -> tuple[bool, list[bytes]]:
    """AUTHENTICATE at IMAP; (logged in, the server's error challenges)."""
    message = MECHANISMS[mechanism](user, token, server.port_imap).encode()
    challenges: list[bytes] = []

    def answer(challenge: bytes) -> bytes:
        if not challenges and not challenge:
            challenges.append(b"")  # Dovecot's empty "+ ": the initial response goes now
            return message
        challenges.append(challenge)
        return b"\x01"  # RFC 7628 §3.2.3: the client's answer to an error challenge

    connection = server.imap()
    try:
        connection.authenticate(mechanism, answer)
    except imaplib.IMAP4.error:
        return False, challenges[1:]
    try:
        status, _ = connection.select("INBOX")
        return status == "OK", challenges[1:]
    finally:
        connection.logout()


def smtp_login(server: Dovecot, mechanism: str, user: str, token: str) -> smtplib.SMTP:
    """AUTH at submission; the logged-in connection (or SMTPAuthenticationError)."""
    message = MECHANISMS[mechanism](user, token, server.port_submission)
    connection = server.smtp()
    connection.ehlo("client.example.org")
    # The response on a line of its own (a JWT makes the AUTH line longer than Dovecot's
    # command line limit); a second 334 carries the error JSON.
    code, reply = connection.docmd("AUTH", mechanism)
    if code == 334:
        code, reply = connection.docmd(base64.b64encode(message.encode()).decode())
    if code == 334:
        code, reply = connection.docmd(base64.b64encode(b"\x01").decode())
    if code != 235:
        connection.close()
        raise smtplib.SMTPAuthenticationError(code, reply)
    return connection


# --- the outside world: the SMTP relay Dovecot's submission service forwards to -------

class _RelayHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to accept a message and keep it."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 relay.example.net ESMTP")
        envelope: dict[str, object] = {"rcpt": []}
        while line := self.rfile.readline():
            verb = line.decode("utf-8", "replace").strip()
            upper = verb.upper()
            if upper.startswith(("EHLO", "HELO")):
                self.reply("250 relay.example.net")
            elif upper.startswith("MAIL FROM:"):
                envelope = {"from": verb[10:].split()[0].strip("<>"), "rcpt": []}
                self.reply("250 OK")
            elif upper.startswith("RCPT TO:"):
                envelope["rcpt"].append(verb[8:].split()[0].strip("<>"))
                self.reply("250 OK")
            elif upper == "DATA":
                self.reply("354 go ahead")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk)
                self.server.messages.append({**envelope, "data": b"".join(data)})
                self.reply("250 queued")
            elif upper == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")  # RSET, NOOP


class Relay(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _RelayHandler)
        self.messages: list[dict[str, object]] = []
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.shutdown()
        self.server_close()
