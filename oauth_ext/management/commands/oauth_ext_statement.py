"""A vendor's software statement: ``sign`` one with the publisher key, ``check`` one
against this site's trust store (what registration would accept)."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...client_sdk.registration import sign_statement


class Command(BaseCommand):
    help = "Sign a software statement with a publisher key (RFC 7591 §2.3), or check one against the trust store."
    requires_system_checks = []  # a vendor signs without running an authorization server

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sign = sub.add_parser("sign", help="print a signed statement")
        sign.add_argument("--key", required=True, help="the publisher's private JWK file (oauth_ext_keygen)")
        sign.add_argument("--issuer", required=True, help="the publisher's issuer, as the trust store records it")
        sign.add_argument("--software-id", required=True)
        sign.add_argument("--claims", default="{}", help="client metadata as a JSON object (client_name, redirect_uris, ...)")
        sign.add_argument("--lifetime", type=int, default=365 * 86400, help="seconds until exp (default: one year)")
        check = sub.add_parser("check", help="verify a statement as registration would")
        check.add_argument("statement", help="the JWT, or - to read it from stdin")

    def handle(self, *args, **options):
        if options["action"] == "check":
            self._check(options["statement"])
            return
        try:
            claims = json.loads(options["claims"])
            private_jwk = json.loads(Path(options["key"]).read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        if not isinstance(claims, dict):
            raise CommandError("--claims must be a JSON object")
        if "d" not in private_jwk:
            raise CommandError(f"{options['key']} holds no private key")
        self.stdout.write(sign_statement(private_jwk, issuer=options["issuer"], software_id=options["software_id"],
                                         claims=claims, lifetime=options["lifetime"]))

    def _check(self, statement: str) -> None:
        from ...software_statements.services import check_statement

        result = check_statement((sys.stdin.read() if statement == "-" else statement).strip())
        self.stdout.write(json.dumps(result, indent=2, default=str))
        if not result.get("accepted"):
            raise CommandError(result.get("reason") or result.get("error") or "refused")
