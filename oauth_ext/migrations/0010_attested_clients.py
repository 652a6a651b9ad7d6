import django.db.models.deletion
from django.db import migrations, models
from oauth2_provider.settings import oauth2_settings


class Migration(migrations.Migration):

    dependencies = [
        ('oauth_ext', '0009_consent'),
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
            name='SpiffeTrustDomain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('trust_domain', models.CharField(help_text='e.g. example.org', max_length=255, unique=True, verbose_name='trust domain')),
                ('bundle_endpoint', models.URLField(blank=True, help_text='SPIFFE bundle endpoint (https_web profile), fetched by the refresh task.', max_length=2000, verbose_name='bundle endpoint')),
                ('bundle', models.JSONField(blank=True, help_text='The last fetched bundle (a JWKS with use x509-svid / jwt-svid), or a static one without an endpoint.', null=True, verbose_name='bundle')),
                ('spiffe_sequence', models.BigIntegerField(blank=True, null=True, verbose_name='bundle sequence')),
                ('refreshed_at', models.DateTimeField(blank=True, null=True, verbose_name='bundle last fetched')),
                ('enabled', models.BooleanField(default=True, verbose_name='enabled')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'SPIFFE trust domain',
            },
        ),
        migrations.AddField(
            model_name='clientprofile',
            name='spiffe_bundle_endpoint',
            field=models.URLField(blank=True, help_text='Recorded client metadata; keys come from the configured trust domain only.', max_length=2000, verbose_name='SPIFFE bundle endpoint'),
        ),
        migrations.AddField(
            model_name='clientprofile',
            name='spiffe_id',
            field=models.CharField(blank=True, db_index=True, help_text="draft-ietf-oauth-spiffe-client-auth-02 §5.1: the workload's SPIFFE ID; a trailing /* matches a path prefix.", max_length=2048, verbose_name='SPIFFE ID'),
        ),
        migrations.AddField(
            model_name='clientprofile',
            name='tls_client_auth_san_dns',
            field=models.CharField(blank=True, max_length=255, verbose_name='TLS client SAN dNSName'),
        ),
        migrations.AddField(
            model_name='clientprofile',
            name='tls_client_auth_san_email',
            field=models.CharField(blank=True, max_length=320, verbose_name='TLS client SAN rfc822Name'),
        ),
        migrations.AddField(
            model_name='clientprofile',
            name='tls_client_auth_san_ip',
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name='TLS client SAN IP'),
        ),
        migrations.AddField(
            model_name='clientprofile',
            name='tls_client_auth_san_uri',
            field=models.CharField(blank=True, max_length=2000, verbose_name='TLS client SAN URI'),
        ),
        migrations.AddField(
            model_name='clientprofile',
            name='tls_client_auth_subject_dn',
            field=models.CharField(blank=True, help_text='RFC 8705 §2.1.2, RFC 4514 form.', max_length=1000, verbose_name='TLS client subject DN'),
        ),
        migrations.AddField(
            model_name='clientprofile',
            name='tls_client_certificate_bound_access_tokens',
            field=models.BooleanField(default=False, help_text='RFC 8705 §3.4: token requests without a client certificate are refused.', verbose_name='certificate-bound access tokens'),
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
