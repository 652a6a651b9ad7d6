"""Attach a JWKS or jwks_uri to a client and set its authentication method."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from oauth2_provider.models import get_application_model

from ...clients.services import set_client_keys


class Command(BaseCommand):
    help = "Register a client's public keys (inline JWKS or jwks_uri) for private_key_jwt."

    def add_arguments(self, parser):
        parser.add_argument("client_id")
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--jwks", help="path to a public JWKS file")
        source.add_argument("--jwks-uri", default="", help="https URL of the client's JWKS")
        parser.add_argument("--method", default="private_key_jwt", help="token_endpoint_auth_method")
        parser.add_argument("--alg", default="", help="token_endpoint_auth_signing_alg to require")
        parser.add_argument("--scope", help="space-separated scopes the client may ask for (default: unchanged)")

    def handle(self, *args, **options):
        try:
            application = get_application_model().objects.get(client_id=options["client_id"])
        except get_application_model().DoesNotExist:
            raise CommandError(f"no client {options['client_id']!r}") from None
        jwks = json.loads(Path(options["jwks"]).read_text()) if options["jwks"] else None
        metadata = {"scope": options["scope"].split()} if options["scope"] is not None else {}
        try:
            profile = set_client_keys(
                application, method=options["method"], jwks=jwks, jwks_uri=options["jwks_uri"], signing_alg=options["alg"],
                **metadata,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stdout.write(self.style.SUCCESS(f"{application.client_id}: {profile.token_endpoint_auth_method}"))
