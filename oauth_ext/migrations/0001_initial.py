import django.db.models.deletion
from django.db import migrations, models
from oauth2_provider.settings import oauth2_settings


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(oauth2_settings.APPLICATION_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ClientProfile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "token_endpoint_auth_method",
                    models.CharField(
                        help_text="RFC 7591 token_endpoint_auth_method; requests using any other method are refused.",
                        max_length=64,
                        verbose_name="token endpoint auth method",
                    ),
                ),
                (
                    "token_endpoint_auth_signing_alg",
                    models.CharField(
                        blank=True,
                        help_text="If set, client assertions signed with any other algorithm are refused.",
                        max_length=16,
                        verbose_name="token endpoint auth signing alg",
                    ),
                ),
                (
                    "jwks",
                    models.JSONField(blank=True, help_text="The client's public keys, inline.", null=True, verbose_name="JWKS"),
                ),
                ("jwks_uri", models.URLField(blank=True, max_length=2000, verbose_name="JWKS URI")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "application",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="oauth_ext_profile",
                        to=oauth2_settings.APPLICATION_MODEL,
                        verbose_name="application",
                    ),
                ),
            ],
            options={"verbose_name": "client profile"},
        ),
    ]
