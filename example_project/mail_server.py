"""A small mail server in one process: IMAP and SMTP submission, each letting users
in with OAUTHBEARER (RFC 7628) or XOAUTH2 through ``oauth_ext.contrib.sasl``, each
with its own audience and scope. It speaks just enough IMAP4rev1 and SMTP to log in;
a real server does the mail.

    DJANGO_SETTINGS_MODULE=example_project.settings python -m example_project.mail_server 1143 1587

``RESOURCE_SERVER.TOKEN_VALIDATION`` says how tokens are checked: ``database`` on the
AS's own database, ``jwt`` with the AS keys, ``introspection`` at the AS.
"""

from __future__ import annotations

import base64
import binascii
import socketserver
import sys
import threading

IMAP = ("imap://mail.example.com", "mail")
SMTP = ("smtp://mail.example.com", "mail.send")
MECHANISMS = ("OAUTHBEARER", "XOAUTH2")


def sasl_login(mechanism: str, response: str, ask, service: tuple[str, str]) -> str | None:
    """The username, or None after sending the RFC 7628 §3.2.2 error challenge
    through ``ask`` (which returns the client's answer, a lone %x01)."""
    from oauth_ext.contrib.sasl import SASLFailure, authenticate

    try:
        message = base64.b64decode(response, validate=True)
        return authenticate(mechanism, message, audience=service[0], scope=service[1]).username
    except binascii.Error:
        return None
    except SASLFailure as failure:
        ask(base64.b64encode(failure.challenge()).decode())
        return None


class Session(socketserver.StreamRequestHandler):
    def send(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def receive(self) -> str:
        return self.rfile.readline(65536).decode("utf-8", "replace").rstrip("\r\n")


class IMAPSession(Session):
    def handle(self) -> None:
        self.send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=OAUTHBEARER AUTH=XOAUTH2] ready")
        user = None
        while line := self.receive():
            tag, _, rest = line.partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1 SASL-IR AUTH=OAUTHBEARER AUTH=XOAUTH2")
            elif command == "AUTHENTICATE" and user is None and args.split(" ")[0].upper() in MECHANISMS:
                mechanism, _, initial = args.partition(" ")
                if not initial:
                    self.send("+ ")
                    initial = self.receive()
                user = sasl_login(mechanism.upper(), initial, lambda c: (self.send(f"+ {c}"), self.receive()), IMAP)
                self.send(f"{tag} OK logged in as {user}" if user else f"{tag} NO [AUTHENTICATIONFAILED] failed")
                continue
            elif command == "LOGOUT":
                self.send("* BYE")
            elif command == "NOOP" or (command == "SELECT" and user):
                self.send(f"{tag} OK {command}")
                continue
            else:
                self.send(f"{tag} BAD {command or 'command'} not here")
                continue
            self.send(f"{tag} OK {command}")
            if command == "LOGOUT":
                return


class SMTPSession(Session):
    def handle(self) -> None:
        self.send("220 mail.example.com ESMTP")
        user = None
        while line := self.receive():
            verb, _, args = line.partition(" ")
            verb = verb.upper()
            if verb in ("EHLO", "HELO"):
                self.send("250-mail.example.com\r\n250 AUTH OAUTHBEARER XOAUTH2")
            elif verb == "AUTH" and user is None and args.split(" ")[0].upper() in MECHANISMS:
                mechanism, _, initial = args.partition(" ")
                if not initial:
                    self.send("334 ")
                    initial = self.receive()
                user = sasl_login(mechanism.upper(), initial, lambda c: (self.send(f"334 {c}"), self.receive()), SMTP)
                self.send(f"235 2.7.0 logged in as {user}" if user else "535 5.7.8 Authentication failed")
            elif verb == "QUIT":
                self.send("221 bye")
                return
            else:
                self.send("502 5.5.1 not here")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(imap_port: int, smtp_port: int, host: str = "127.0.0.1") -> tuple[Server, Server]:
    """Both services, each in its own thread of this process."""
    servers = (Server((host, imap_port), IMAPSession), Server((host, smtp_port), SMTPSession))
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    return servers


if __name__ == "__main__":
    import django

    django.setup()
    imap, smtp = serve(int(sys.argv[1]), int(sys.argv[2]))
    print(f"IMAP on {imap.server_address}, SMTP on {smtp.server_address}")
    threading.Event().wait()
