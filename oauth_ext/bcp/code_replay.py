"""A replayed authorization code revokes the tokens its first use issued.

RFC 6749 §4.1.2: "If an authorization code is used more than once, the authorization
server MUST deny the request and SHOULD revoke (when possible) all tokens previously
issued based on that authorization code." DOT deletes the grant row on use, so the
redemption is recorded here (code checksum, first access token, refresh-token
family) for ``AUTHORIZATION_CODE.REMEMBER_USED_FOR`` seconds.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model
from oauthlib.oauth2.rfc6749 import errors

from ..conf import app_settings
from .models import CodeRedemption

logger = logging.getLogger(__name__)


def _checksum(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def record(code: str, application: Any, access_token: str) -> None:
    """Note the first redemption of ``code`` inside the transaction saving its tokens;
    a concurrent second redemption fails here and its tokens roll back."""
    now = timezone.now()
    access_checksum = _checksum(access_token)
    family = (get_refresh_token_model().objects.filter(access_token__token_checksum=access_checksum)
              .values_list("token_family", flat=True).first())
    remember = datetime.timedelta(seconds=app_settings.AUTHORIZATION_CODE.REMEMBER_USED_FOR)
    CodeRedemption.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            CodeRedemption.objects.create(code_checksum=_checksum(code), application=application,
                                          access_token_checksum=access_checksum, token_family=family,
                                          expires_at=now + remember)
    except IntegrityError:
        raise errors.InvalidGrantError(description="authorization code already used") from None


def revoke_if_replayed(code: str) -> bool:
    """Revoke what the first redemption of ``code`` issued, if it was redeemed.

    Deleting the access tokens marks their status-list entries INVALID (pre_delete);
    the refresh-token family is revoked as DOT's reuse protection does it.
    """
    with transaction.atomic():
        redemption = CodeRedemption.objects.select_for_update().filter(code_checksum=_checksum(code)).first()
        if redemption is None:
            return False
        if redemption.token_family is not None:
            get_refresh_token_model().revoke_family(redemption.token_family)
        get_access_token_model().objects.filter(token_checksum=redemption.access_token_checksum).delete()
        if redemption.replayed_at is None:
            redemption.replayed_at = timezone.now()
            redemption.save(update_fields=["replayed_at"])
    logger.warning("authorization code of client %s replayed: its tokens are revoked", redemption.application_id)
    return True
