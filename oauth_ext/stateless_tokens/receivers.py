"""Deleting a client deletes its stored access tokens (DOT's cascade, whose
``pre_delete`` marks their entries INVALID); its stateless tokens go INVALID with it."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver
from oauth2_provider.models import get_application_model

from . import services


@receiver(pre_delete, sender=get_application_model(), dispatch_uid="oauth_ext.stateless_tokens.client_deleted")
def client_deleted(sender, instance, **kwargs) -> None:
    services.revoke_all([instance.pk])
