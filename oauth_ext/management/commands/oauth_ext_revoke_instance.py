"""Revoke one client instance (a lost device) by its client_id."""

from django.core.management.base import BaseCommand, CommandError

from ...client_instances import stateless
from ...client_instances.models import ClientInstance
from ...client_instances.services import revoke_instance
from ...core.errors import InvalidClient


class Command(BaseCommand):
    help = "Revoke one client instance: its tokens stop working now; other instances are untouched."

    def add_arguments(self, parser):
        parser.add_argument("client_id")

    def handle(self, *args, **options):
        client_id = options["client_id"]
        instance = ClientInstance.objects.filter(application__client_id=client_id).first()
        if instance is None and stateless.is_stateless(client_id):
            try:  # a stateless instance never used yet: its row becomes the revocation record
                instance = stateless.materialize(client_id).oauth_ext_instance
            except InvalidClient:
                raise CommandError(f"{client_id!r} is not a client_id this server issued") from None
        if instance is None:
            raise CommandError(f"no instance with client_id {client_id!r}")
        instance = revoke_instance(instance)
        self.stdout.write(self.style.SUCCESS(f"{instance} revoked at {instance.revoked_at:%Y-%m-%d %H:%M:%S}"))
