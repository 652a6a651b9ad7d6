"""A change to a client, its profile or its instance forgets the cached client."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from oauth2_provider.models import get_application_model

from ..client_instances.models import ClientInstance
from . import cache
from .models import ClientProfile

Application = get_application_model()


@receiver(pre_save, sender=Application, dispatch_uid="oauth_ext.clients.renamed")
def application_renamed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A changed client_id must not leave the old one authenticating from the cache."""
    if instance.pk is not None and not kwargs.get("raw"):
        old = sender.objects.filter(pk=instance.pk).values_list("client_id", flat=True).first()
        if old and old != instance.client_id:
            cache.forget(old)


@receiver(post_save, sender=Application, dispatch_uid="oauth_ext.clients.saved")
@receiver(post_delete, sender=Application, dispatch_uid="oauth_ext.clients.deleted")
def application_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    cache.forget(instance.client_id)


@receiver(post_save, sender=ClientProfile, dispatch_uid="oauth_ext.clients.profile_saved")
@receiver(post_delete, sender=ClientProfile, dispatch_uid="oauth_ext.clients.profile_deleted")
@receiver(post_save, sender=ClientInstance, dispatch_uid="oauth_ext.clients.instance_saved")
@receiver(post_delete, sender=ClientInstance, dispatch_uid="oauth_ext.clients.instance_deleted")
def related_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    client_id = Application.objects.filter(pk=instance.application_id).values_list("client_id", flat=True).first()
    if client_id:
        cache.forget(client_id)
