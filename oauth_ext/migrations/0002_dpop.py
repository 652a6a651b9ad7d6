import django.db.models.deletion
from django.db import migrations, models
from oauth2_provider.settings import oauth2_settings


class Migration(migrations.Migration):
    dependencies = [
        ("oauth_ext", "0001_initial"),
        migrations.swappable_dependency(oauth2_settings.GRANT_MODEL),
        migrations.swappable_dependency(oauth2_settings.REFRESH_TOKEN_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="clientprofile",
            name="dpop_bound_access_tokens",
            field=models.BooleanField(
                default=False,
                help_text="RFC 9449 §5.2: token requests without a DPoP proof are refused.",
                verbose_name="DPoP-bound access tokens",
            ),
        ),
        migrations.CreateModel(
            name="GrantBinding",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("jkt", models.CharField(max_length=128, verbose_name="JWK thumbprint")),
                (
                    "grant",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="oauth_ext_dpop",
                        to=oauth2_settings.GRANT_MODEL,
                        verbose_name="grant",
                    ),
                ),
            ],
            options={"verbose_name": "DPoP binding of an authorization code"},
        ),
        migrations.CreateModel(
            name="RefreshTokenBinding",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("jkt", models.CharField(max_length=128, verbose_name="JWK thumbprint")),
                (
                    "refresh_token",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="oauth_ext_dpop",
                        to=oauth2_settings.REFRESH_TOKEN_MODEL,
                        verbose_name="refresh token",
                    ),
                ),
            ],
            options={"verbose_name": "DPoP binding of a refresh token"},
        ),
    ]
