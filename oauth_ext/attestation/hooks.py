"""Validator mixin: refresh tokens of attested clients are bound to the attested
instance key (-11 §10.3) and need an attestation of that key to be used."""

from __future__ import annotations

import hashlib
from typing import Any

from oauth2_provider.models import get_refresh_token_model

from .. import context
from ..features import Proceed, Validator
from .models import AttestationBinding


class AttestationHooks:
    def validate_refresh_token(self, validator: Validator, proceed: Proceed, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not proceed(refresh_token, client, request, *args, **kwargs):
            return False
        instance = getattr(request, "refresh_token_instance", None)
        bound = AttestationBinding.objects.filter(refresh_token=instance).values_list("jkt", flat=True).first()
        attestation = context.of(request).attestation  # set by our method, never a body parameter
        return bound is None or (attestation is not None and attestation.jkt == bound)

    def _save_bearer_token(self, validator: Validator, proceed: Proceed, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        """Inside DOT's transaction: the binding commits with the refresh token."""
        result = proceed(token, request, *args, **kwargs)
        attestation = context.of(request).attestation
        if attestation is not None and token.get("refresh_token"):
            checksum = hashlib.sha256(token["refresh_token"].encode("utf-8")).hexdigest()
            instance = get_refresh_token_model().objects.filter(token_checksum=checksum, revoked__isnull=True).first()
            if instance is not None:
                AttestationBinding.objects.update_or_create(refresh_token=instance, defaults={"jkt": attestation.jkt})
        return result
