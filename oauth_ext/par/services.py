"""Pushing an authorization request and finding it again (RFC 9126 §2, §4)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauthlib.common import Request as OAuthlibRequest
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from .. import context
from ..conf import app_settings
from ..core.errors import InvalidClient, InvalidRequest
from ..core.issuer import endpoint_url
from ..core.oauthlib_errors import from_oauthlib
from ..dpop import proofs
from . import dynamic
from .errors import InvalidRequestURI
from .models import PushedRequest

URN_PREFIX = "urn:ietf:params:oauth:request_uri:"
CREDENTIAL_PARAMETERS = {"client_secret", "client_assertion", "client_assertion_type"}


def _hash(reference: str) -> str:
    return hashlib.sha256(reference.encode("utf-8")).hexdigest()


def authenticate(django_request: Any, *, dpop: proofs.Proof | None = None) -> Any:
    """The client, authenticated exactly as at the token endpoint (RFC 9126 §2).
    ``dpop`` is the request's proof, verified already (and so used up): an
    attestation in combined mode is proven by it."""
    core = get_oauthlib_core()
    request = OAuthlibRequest(
        django_request.build_absolute_uri(), django_request.method,
        urlencode(core.extract_body(django_request)), core.extract_headers(django_request),
    )
    context.of(request).dpop = dpop
    validator = core.server.request_validator
    try:
        if validator.client_authentication_required(request):
            ok = validator.authenticate_client(request)
        else:
            ok = validator.authenticate_client_id(request.client_id, request)
    except OAuth2Error as exc:
        raise from_oauthlib(exc) from exc
    if not ok or request.client is None:
        raise InvalidClient(reason="PAR client authentication failed")
    return request.client


@transaction.atomic
def push(django_request: Any) -> tuple[str, int]:
    """Validate the pushed parameters as the authorization endpoint would and store
    them; returns ``(request_uri, expires_in)``. All or nothing: a refused pushed
    registration leaves no ephemeral client behind."""
    if "request_uri" in django_request.POST:
        raise InvalidRequest("request_uri must not be pushed")  # RFC 9126 §2.1
    for name, values in django_request.POST.lists():
        if len(values) > 1 and name != "resource":
            raise InvalidRequest(f"parameter {name} repeated")
    parameters = {k: v for k, v in django_request.POST.items() if k not in CREDENTIAL_PARAMETERS}
    resources = django_request.POST.getlist("resource")
    if parameters.get("code_challenge_method") != "S256" or not parameters.get("code_challenge"):
        raise InvalidRequest("PKCE with S256 is required")
    header = django_request.headers.get("DPoP")
    proof = None
    if header is not None:
        # RFC 9449 §10.1: a DPoP proof at PAR binds the code as dpop_jkt would.
        proof = proofs.verify(proofs.single_header(header) or "", method="POST", url=endpoint_url("oauth_ext:par") or "")
        if parameters.setdefault("dpop_jkt", proof.jkt) != proof.jkt:
            raise InvalidRequest("dpop_jkt and the DPoP proof name different keys")
    if parameters.get("client_id") == dynamic.DYNAMIC_CLIENT_ID:
        client = dynamic.register(parameters, dpop_jkt=parameters.get("dpop_jkt") if header is not None else None)
        parameters.pop("client_registration", None)
    else:
        client = authenticate(django_request, dpop=proof)
        if parameters.get("client_id", client.client_id) != client.client_id:
            raise InvalidRequest("client_id does not match the authenticated client")
    parameters["client_id"] = client.client_id
    query = [(k, v) for k, v in parameters.items() if k != "resource"] + [("resource", r) for r in resources]
    try:
        get_oauthlib_core().server.validate_authorization_request(
            django_request.build_absolute_uri(reverse("oauth2_provider:authorize")) + "?" + urlencode(query), "GET",
            None, {},
        )
    except OAuth2Error as exc:
        raise from_oauthlib(exc) from exc
    expires_in = app_settings.PAR.EXPIRES_IN
    return keep(client, {"query": query}, expires_in=expires_in), expires_in


def keep(application: Any, parameters: dict[str, Any], *, expires_in: int) -> str:
    """Store a validated request (``{"query": [(name, value), ...], ...}``); its request_uri."""
    reference = secrets.token_urlsafe(32)
    PushedRequest.objects.create(
        reference_hash=_hash(reference), application=application, parameters=parameters,
        expires_at=timezone.now() + datetime.timedelta(seconds=expires_in),
    )
    return URN_PREFIX + reference


def pushed(client_id: str | None, request_uri: str) -> PushedRequest:
    """The live pushed request behind ``request_uri`` for ``client_id``."""
    if not request_uri.startswith(URN_PREFIX):
        raise InvalidRequestURI(reason="not one of our request_uris")
    found = PushedRequest.objects.select_related("application").filter(
        reference_hash=_hash(request_uri[len(URN_PREFIX):])
    ).first()
    if found is None or found.expires_at <= timezone.now():
        raise InvalidRequestURI(reason="unknown, used or expired request_uri")
    dynamic_client = client_id == dynamic.DYNAMIC_CLIENT_ID and getattr(
        getattr(found.application, "oauth_ext_instance", None), "ephemeral", False)
    if found.application.client_id != client_id and not dynamic_client:
        raise InvalidRequestURI(reason="request_uri of another client")
    return found


def consume(found: PushedRequest) -> None:
    """Single use once the authorization completes (RFC 9126 §4)."""
    PushedRequest.objects.filter(pk=found.pk).delete()


def prune() -> int:
    """Expired pushed requests, and ephemeral clients whose request expired unused or
    whose tokens are all gone."""
    from oauth2_provider.models import (
        get_access_token_model,
        get_application_model,
        get_refresh_token_model,
    )

    now = timezone.now()
    removed = PushedRequest.objects.filter(expires_at__lte=now).delete()[0]
    horizon = now - datetime.timedelta(seconds=app_settings.PAR.EXPIRES_IN)
    with transaction.atomic():
        ephemeral = get_application_model().objects.select_for_update(skip_locked=True).filter(
            oauth_ext_instance__ephemeral=True, oauth_ext_instance__created_at__lt=horizon)
        live_access = get_access_token_model().objects.filter(expires__gt=now).values("application_id")
        live_refresh = get_refresh_token_model().objects.filter(revoked__isnull=True).values("application_id")
        pending = PushedRequest.objects.values("application_id")
        gone = ephemeral.exclude(pk__in=live_access).exclude(pk__in=live_refresh).exclude(pk__in=pending)
        removed += len([a.delete() for a in gone])
    return removed
