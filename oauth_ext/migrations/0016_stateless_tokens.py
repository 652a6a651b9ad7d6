import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from oauth2_provider.settings import oauth2_settings


class Migration(migrations.Migration):

    dependencies = [
        ('oauth_ext', '0015_replay_store_start'),
        migrations.swappable_dependency(oauth2_settings.APPLICATION_MODEL),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StatelessToken',
            fields=[
                ('entry', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='oauth_ext.statusentry')),
                ('expires', models.DateTimeField(verbose_name='expires')),
                ('application', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=oauth2_settings.APPLICATION_MODEL)),
                ('user', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'stateless access token',
                'indexes': [models.Index(fields=['application', 'expires'], name='oauth_ext_stateless_app'), models.Index(fields=['user', 'application'], name='oauth_ext_stateless_user'), models.Index(fields=['expires'], name='oauth_ext_stateless_expires')],
            },
        ),
    ]
