"""Pushed client registration, draft-richer-oauth-pushed-client-registration-00.

A client with no lasting identity pushes its metadata (``client_registration``) in a
PAR request with ``client_id=urn:ietf:oauth:parameters:dynamic`` and a DPoP proof.
Behind the keyword this server makes an ephemeral public client, bound to that DPoP
key: the code is bound to the key (as with ``dpop_jkt``), the client's tokens are
DPoP-bound, and at the token endpoint the keyword resolves to the ephemeral client
through the code or refresh token it presents. Departures from -00: PAR answers 201
(RFC 9126), and a DPoP proof at PAR is required (the key the client proves later).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from oauth2_provider.models import (
    get_application_model,
    get_grant_model,
    get_refresh_token_model,
)

from ..client_instances.models import ClientInstance
from ..clients.models import ClientProfile
from ..conf import app_settings
from ..core import untrusted_json
from ..core.errors import InvalidClient, InvalidRequest
from ..registration import metadata as client_metadata
from ..software_statements.services import statement_metadata, verify_statement

DYNAMIC_CLIENT_ID = "urn:ietf:oauth:parameters:dynamic"
DRAFT = "draft-richer-oauth-pushed-client-registration-00"


@transaction.atomic
def register(parameters: dict[str, str], *, dpop_jkt: str | None) -> Any:
    """The ephemeral client behind one pushed registration."""
    policy = app_settings.PAR.PUSHED_REGISTRATION
    if policy == "off":
        raise InvalidRequest("pushed client registration is not offered")
    if dpop_jkt is None:
        raise InvalidRequest("pushed client registration needs a DPoP proof at the PAR endpoint")
    if not parameters.get("state") or not parameters.get("redirect_uri"):
        raise InvalidRequest("state and redirect_uri are required")  # -00 §3
    try:
        registration = untrusted_json.loads(parameters.get("client_registration", "{}"))
    except ValueError as exc:
        raise client_metadata.InvalidClientMetadata("client_registration must be a JSON object") from exc
    if not isinstance(registration, dict):
        raise client_metadata.InvalidClientMetadata("client_registration must be a JSON object")
    publisher = None
    if "software_statement" in registration:
        publisher, claims = verify_statement(registration.pop("software_statement"))
        registration.update(statement_metadata(claims))
    elif policy == "statement":
        raise InvalidRequest("pushed client registration needs a software statement from a trusted publisher")
    registration.setdefault("redirect_uris", [parameters["redirect_uri"]])
    registration.update(token_endpoint_auth_method="none", grant_types=["authorization_code", "refresh_token"])
    registration.pop("jwks", None), registration.pop("jwks_uri", None)
    meta = client_metadata.validate(registration, publisher, key_proven=True)
    if publisher is not None and "none" not in publisher.allowed_auth_methods:
        raise client_metadata.InvalidClientMetadata("this software's instances may not be public clients")
    Application = get_application_model()
    application = Application.objects.create(
        client_id=f"dyn.{secrets.token_urlsafe(24)}", client_secret=make_password(None), hash_client_secret=False,
        client_type=Application.CLIENT_PUBLIC, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(meta.redirect_uris), name=str(meta.extra.get("client_name", ""))[:255], algorithm="",
    )
    ClientProfile.objects.create(application=application, token_endpoint_auth_method="none", dpop_bound_access_tokens=True)
    ClientInstance.objects.create(
        application=application, publisher=publisher, ephemeral=True, scope=meta.scope,
        client_name=str(meta.extra.get("client_name", ""))[:255], software_id=str(meta.extra.get("software_id", ""))[:255],
        software_version=str(meta.extra.get("software_version", ""))[:100],
    )
    return application


def resolve(request: Any) -> Any:
    """The ephemeral client a token request under the keyword is about: the one its
    code or refresh token was issued to (it proves the key with its DPoP proof)."""
    application = None
    if getattr(request, "code", None):
        grant = get_grant_model().objects.select_related("application").filter(code=request.code).first()
        application = grant.application if grant else None
    elif getattr(request, "refresh_token", None):
        from hashlib import sha256

        checksum = sha256(request.refresh_token.encode()).hexdigest()
        token = get_refresh_token_model().objects.select_related("application").filter(token_checksum=checksum).first()
        application = token.application if token else None
    instance = getattr(application, "oauth_ext_instance", None) if application is not None else None
    if instance is None or not instance.ephemeral:
        raise InvalidClient(reason="no ephemeral client behind this code or refresh token")
    return application
