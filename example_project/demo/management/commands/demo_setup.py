"""Create the demo admin user and a demo private_key_jwt client, and say how to use them."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from oauth2_provider.models import get_application_model

from oauth_ext.clients.services import set_client_keys
from oauth_ext.conf import app_settings
from oauth_ext.core.keyfiles import write_key_files

CLIENT_ID = "demo-service"
# What the demo client registers: it reads and writes the example API, and nothing the
# server reserves for other parties (introspection, registration).
SCOPE = ["read", "write"]


class Command(BaseCommand):
    help = "Create a demo admin (admin/admin), an ordinary user (alice/alice) and a demo private_key_jwt client."

    def handle(self, *args, **options):
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.com", "admin")
        if not User.objects.filter(username="alice").exists():
            User.objects.create_user("alice", "alice@example.com", "alice")  # not staff: the user pages' person
        Application = get_application_model()
        app, _ = Application.objects.get_or_create(
            client_id=CLIENT_ID,
            defaults={
                "name": "Demo service (private_key_jwt)",
                "client_type": Application.CLIENT_CONFIDENTIAL,
                "authorization_grant_type": Application.GRANT_CLIENT_CREDENTIALS,
            },
        )
        key_dir = settings.VAR_DIR / "demo-client"
        key_file = key_dir / f"{CLIENT_ID}.private.jwk.json"
        if not key_file.exists() or not getattr(app, "oauth_ext_profile", None):
            written = write_key_files(key_dir, CLIENT_ID)
            set_client_keys(app, method="private_key_jwt", jwks=json.loads(Path(written["jwks"]).read_text()), scope=SCOPE)
        elif app.oauth_ext_profile.scope != SCOPE:
            app.oauth_ext_profile.scope = SCOPE
            app.oauth_ext_profile.save(update_fields=["scope"])
        issuer = app_settings.issuer
        self.stdout.write(self.style.SUCCESS("Demo ready."))
        self.stdout.write("  Admin:  http://127.0.0.1:8000/admin/  (user admin, password admin)")
        self.stdout.write("  User:   http://127.0.0.1:8000/accounts/login/  (user alice, password alice: My devices, My permissions)")
        self.stdout.write(f"  Client: {CLIENT_ID} authenticates with private_key_jwt, key {key_file}")
        self.stdout.write("  Get a token (in another shell):")
        self.stdout.write(
            f"    .venv/bin/python -m oauth_ext.client_sdk token --issuer {issuer} "
            f"--token-endpoint {issuer}/token/ --client-id {CLIENT_ID} --key {key_file}"
        )
