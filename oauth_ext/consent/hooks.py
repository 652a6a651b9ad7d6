"""Validator mixin: known resources and authorization details are checked where
oauthlib checks scopes; codes and refresh tokens carry their consent; a refresh
after the consent or the refresh token lapsed is ``invalid_grant``; a refresh for
one of the granted resources, at the code exchange or a refresh, gets a token for it
alone; the token response tells
the client when its authorization ends."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.utils import timezone
from oauth2_provider.models import get_grant_model, get_refresh_token_model
from oauthlib.oauth2.rfc6749.errors import CustomOAuth2Error

from .. import context
from ..features import Proceed, Validator
from ..rar import services as rar
from ..rar.errors import InvalidAuthorizationDetails
from ..tokens.claims import jwt_claims
from . import resources, services
from .models import ConsentCode, ConsentFamily

# Seconds: the idle timeout of a refresh token is kept to this precision.
TOUCH_INTERVAL = 60


def _details(request: Any) -> list[dict[str, Any]]:
    try:
        return rar.parse(getattr(request, "authorization_details", None))
    except InvalidAuthorizationDetails as exc:
        raise CustomOAuth2Error(error=exc.error, description=exc.description, request=request) from exc


def _narrowed_details(request: Any, granted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """RFC 9396 §6: a token request may ask for fewer details than were granted, never more."""
    asked = _details(request)
    if asked and rar.missing(asked, granted):
        raise CustomOAuth2Error(error="invalid_authorization_details", description="details beyond the grant",
                                request=request)
    return asked or granted


def _touch(rt: Any) -> datetime.datetime:
    """The refresh token was used: its idle timeout starts again. Written at most once
    per ``TOUCH_INTERVAL``, so concurrent requests for several services do not queue
    on the row."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=TOUCH_INTERVAL)
    if get_refresh_token_model().objects.filter(pk=rt.pk, updated__lt=stale).update(updated=now):
        return now
    return rt.updated


class ConsentHooks:
    def validate_scopes(self, validator: Validator, proceed: Proceed, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        resources.check_known(request, resources.requested(request))
        context.of(request).details = _details(request)
        return proceed(client_id, scopes, client, request, *args, **kwargs)

    def save_authorization_code(self, validator: Validator, proceed: Proceed, client_id: str, code: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> None:
        proceed(client_id, code, request, *args, **kwargs)
        details = context.of(request).details or []
        consent = services.active_grant(request.user, request.client)
        asked = services.Requested(list(request.scopes or []), resources.requested(request), details)
        if consent is not None and services.missing(consent, asked):
            consent = None  # authorized some other way (skip_authorization): not consent-managed
        if consent is not None or details:
            grant = get_grant_model().objects.get(code=code["code"], application=request.client)
            ConsentCode.objects.create(grant=grant, consent=consent, authorization_details=details)

    def validate_code(self, validator: Validator, proceed: Proceed, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not proceed(client_id, code, client, request, *args, **kwargs):
            return False
        granted = get_grant_model().objects.filter(code=code, application=client).values_list("resource", flat=True).first()
        self._narrow_to_resources(request, list(granted or []))
        link = ConsentCode.objects.select_related("consent").filter(grant__code=code, grant__application=client).first()
        if link is None:
            context.of(request).details = _narrowed_details(request, [])
            return True
        if link.consent is not None and not link.consent.is_active:
            return False
        context.of(request).consent = link.consent
        context.of(request).details = _narrowed_details(request, link.authorization_details)
        if granted and not resources.requested(request):
            request.resource = list(granted)  # the access token's aud: every granted resource
        return True

    @staticmethod
    def _narrow_to_resources(request: Any, granted: list[str]) -> None:
        """RFC 8707 §2.2 at the code exchange: the first token is for the services
        named now, with their scopes alone (the grant and its refresh token keep the
        rest)."""
        asked = resources.requested(request)
        if not asked:
            return
        outside = [r for r in asked if granted and r not in granted]
        if outside:
            raise CustomOAuth2Error(error="invalid_target", description=f"{outside[0]!r} is not in the grant",
                                    request=request)
        scopes = resources.scopes_for(asked, request.scopes or [])
        if request.scopes and not scopes:
            raise CustomOAuth2Error(error="invalid_scope", description="nothing granted for that resource", request=request)
        request.scopes = scopes

    def validate_refresh_token(self, validator: Validator, proceed: Proceed, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not proceed(refresh_token, client, request, *args, **kwargs):
            return False
        rt = request.refresh_token_instance
        family = ConsentFamily.objects.select_related("consent").filter(token_family=rt.token_family).first()
        if family is None:
            return True
        now = timezone.now()
        deadline = services.refresh_deadline(family.consent, rt.updated)
        # draft-ietf-oauth-refresh-token-expiration-03 §3: expired refresh tokens and
        # authorizations are invalid_grant.
        if not family.consent.is_active or (deadline is not None and deadline <= now):
            return False
        context.of(request).consent = family.consent
        context.of(request).family = family
        context.of(request).details = _narrowed_details(request, family.authorization_details)
        outside = [r for r in resources.requested(request) if r not in family.resources]
        if family.resources and outside:
            raise CustomOAuth2Error(error="invalid_target", description=f"{outside[0]!r} is not in the grant",
                                    request=request)  # RFC 8707 §2.2
        rt.resource = list(family.resources)  # what DOT checks a requested resource against
        if family.resources and not resources.requested(request):
            request.resource = list(family.resources)
        return True

    def get_original_scopes(self, validator: Validator, proceed: Proceed, refresh_token: str, request: Any, *args: Any, **kwargs: Any) -> list[str]:
        family = context.of(request).family
        if family is None:
            return proceed(refresh_token, request, *args, **kwargs)
        scopes = resources.scopes_for(resources.requested(request), family.scopes)
        if family.scopes and not scopes:
            raise CustomOAuth2Error(error="invalid_scope", description="nothing granted for that resource", request=request)
        return scopes

    def get_authorization_code_scopes(self, validator: Validator, proceed: Proceed, client_id: str, code: str, redirect_uri: str, request: Any) -> list[str]:
        scopes = proceed(client_id, code, redirect_uri, request)
        return resources.scopes_for(resources.requested(request), scopes)

    def _save_bearer_token(self, validator: Validator, proceed: Proceed, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        family = context.of(request).family
        asked = resources.requested(request)
        last_used = timezone.now()  # a new refresh token, unless it stays
        if family is not None and asked and set(asked) != set(family.resources):
            # A token for some of the granted resources: the refresh token stays
            # as it is, for the client's other resources (RFC 6749 §6: "MAY issue").
            token.pop("refresh_token", None)
            last_used = _touch(request.refresh_token_instance)
        consent = context.of(request).consent
        if consent is not None:
            token["expires_in"] = int(request.expires_in)  # clipped to the consent (consent/claims.py)
        result = proceed(token, request, *args, **kwargs)
        if consent is not None and request.grant_type == "authorization_code" and token.get("refresh_token"):
            self._record_family(token, request, consent)
        details = context.of(request).details
        if details:
            # RFC 9396 §7: the granted details, as the access token carries them.
            token["authorization_details"] = rar.for_resources(details, asked)
        if consent is not None:
            token.update(services.expiry_signals(consent, last_used, now=timezone.now()))
        return result

    @staticmethod
    def _record_family(token: dict[str, Any], request: Any, consent: Any) -> None:
        checksum = hashlib.sha256(token["refresh_token"].encode("utf-8")).hexdigest()
        rt = get_refresh_token_model().objects.filter(token_checksum=checksum, revoked__isnull=True).first()
        code = get_grant_model().objects.filter(code=request.code, application=request.client).first()
        if rt is None or code is None:
            return
        ConsentFamily.objects.create(
            token_family=rt.token_family, consent=consent, scopes=code.scope.split(), resources=list(code.resource or []),
            authorization_details=ConsentCode.objects.filter(grant=code).values_list("authorization_details", flat=True).first() or [],
            ccr=jwt_claims(token["access_token"]).get("ccr") or "",
        )
