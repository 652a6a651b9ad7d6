"""DOT deletes an access token to revoke it (RFC 7009 revocation, refresh rotation,
the admin, ...): its status-list entry becomes INVALID."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver
from oauth2_provider.models import get_access_token_model

from .encoding import INVALID
from .services import set_status


@receiver(pre_delete, sender=get_access_token_model(), dispatch_uid="oauth_ext.status_list.revoked")
def access_token_deleted(sender, instance, **kwargs) -> None:
    if instance.token_checksum and not instance.is_expired():
        set_status([instance.token_checksum], INVALID)
