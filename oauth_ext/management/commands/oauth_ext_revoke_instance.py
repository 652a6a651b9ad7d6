"""Revoke one client instance (a lost device) by its client_id."""

from django.core.management.base import BaseCommand, CommandError

from ...client_instances.models import ClientInstance
from ...client_instances.services import revoke_instance


class Command(BaseCommand):
    help = "Revoke one client instance: its tokens stop working now; other instances are untouched."

    def add_arguments(self, parser):
        parser.add_argument("client_id")

    def handle(self, *args, **options):
        instance = ClientInstance.objects.filter(application__client_id=options["client_id"]).first()
        if instance is None:
            raise CommandError(f"no instance with client_id {options['client_id']!r}")
        instance = revoke_instance(instance)
        self.stdout.write(self.style.SUCCESS(f"{instance} revoked at {instance.revoked_at:%Y-%m-%d %H:%M:%S}"))
