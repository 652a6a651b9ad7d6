"""Create a key-authenticated client in one step: DOT application, public keys and
registered scopes, and no client secret (nothing to leak, nothing unusable printed)."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from oauth2_provider.models import get_application_model

from ...clients.services import set_client_keys
from ...registration.services import unusable_secret

GRANTS = {"client-credentials": "client-credentials", "authorization-code": "authorization-code"}


class Command(BaseCommand):
    help = "Create a client that authenticates with private_key_jwt (or another key method), with its JWKS and scopes."

    def add_arguments(self, parser):
        parser.add_argument("client_id")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--jwks", help="path to the client's public JWKS file")
        source.add_argument("--jwks-uri", default="", help="https URL of the client's JWKS")
        parser.add_argument("--grant", choices=sorted(GRANTS), default="client-credentials")
        parser.add_argument("--scope", default="", help="space-separated scopes the client may ask for (default: DOT's)")
        parser.add_argument("--redirect-uri", action="append", default=[], help="for authorization-code; repeat for more")
        parser.add_argument("--name", default="", help="display name (default: the client_id)")
        parser.add_argument("--method", default="private_key_jwt", help="token_endpoint_auth_method")
        parser.add_argument("--alg", default="", help="token_endpoint_auth_signing_alg to require")

    def handle(self, *args, **options):
        Application = get_application_model()
        client_id = options["client_id"]
        if Application.objects.filter(client_id=client_id).exists():
            raise CommandError(f"client {client_id!r} exists; change its keys with oauth_ext_client_keys")
        if options["grant"] == "authorization-code" and not options["redirect_uri"]:
            raise CommandError("authorization-code needs at least one --redirect-uri")
        jwks = json.loads(Path(options["jwks"]).read_text()) if options["jwks"] else None
        try:
            with transaction.atomic():
                application = Application(
                    client_id=client_id, name=options["name"] or client_id, client_type=Application.CLIENT_CONFIDENTIAL,
                    authorization_grant_type=GRANTS[options["grant"]], redirect_uris=" ".join(options["redirect_uri"]),
                    client_secret=unusable_secret(), hash_client_secret=False, algorithm="",
                )
                application.full_clean(exclude=["client_secret", "user"])
                application.save()
                profile = set_client_keys(application, method=options["method"], jwks=jwks, jwks_uri=options["jwks_uri"],
                                          signing_alg=options["alg"], scope=options["scope"].split())
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        scope = " ".join(profile.scope) or "DOT's default scopes"
        self.stdout.write(self.style.SUCCESS(f"{client_id}: {profile.token_endpoint_auth_method}, {options['grant']}, scope {scope}"))
