import django.db.models.deletion
from django.db import migrations, models
from oauth2_provider.settings import oauth2_settings


class Migration(migrations.Migration):

    dependencies = [
        ('oauth_ext', '0008_token_context'),
        migrations.swappable_dependency(oauth2_settings.REFRESH_TOKEN_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Attester',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True, verbose_name='name')),
                ('jwks', models.JSONField(blank=True, null=True, verbose_name='JWKS')),
                ('jwks_uri', models.URLField(blank=True, max_length=2000, verbose_name='JWKS URI')),
                ('keys_refreshed_at', models.DateTimeField(blank=True, null=True, verbose_name='keys last fetched')),
                ('client_ids', models.JSONField(blank=True, default=list, help_text='Clients it may attest (with software IDs: either matches).', verbose_name='client IDs')),
                ('software_ids', models.JSONField(blank=True, default=list, help_text='Software of registered instances it may attest.', verbose_name='software IDs')),
                ('enabled', models.BooleanField(default=True, verbose_name='enabled')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'client attester',
            },
        ),
        migrations.CreateModel(
            name='AttestationBinding',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('jkt', models.CharField(max_length=128, verbose_name='instance key thumbprint')),
                ('refresh_token', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='oauth_ext_attestation', to=oauth2_settings.REFRESH_TOKEN_MODEL, verbose_name='refresh token')),
            ],
            options={
                'verbose_name': 'attested instance binding of a refresh token',
            },
        ),
    ]
