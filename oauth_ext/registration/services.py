"""Registering, reading, replacing and deleting client instances (RFC 7591, RFC 7592)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from oauth2_provider.generators import generate_client_id
from oauth2_provider.models import get_access_token_model, get_application_model

from .. import features
from ..client_instances import stateless
from ..client_instances.models import ClientInstance
from ..client_instances.services import delete_tokens
from ..clients.models import ClientProfile
from ..conf import app_settings
from ..core.errors import InvalidToken
from ..software_statements.models import SoftwarePublisher
from ..software_statements.services import statement_metadata, verify_statement
from ..stateless_tokens import services as stateless_services
from . import metadata as client_metadata


@dataclass
class Registration:
    client_id: str
    issued_at: int
    metadata: client_metadata.ClientMetadata
    instance: ClientInstance | None = None  # None for a stateless instance
    software_statement: str = ""
    client_secret: str | None = None
    registration_access_token: str | None = None
    statement_claims: dict[str, Any] | None = None


def _of(instance: ClientInstance, meta: client_metadata.ClientMetadata, **extra: Any) -> Registration:
    return Registration(instance.application.client_id, int(instance.created_at.timestamp()), meta, instance=instance,
                        software_statement=instance.software_statement, **extra)


def unusable_secret() -> str:
    """A DOT client secret nobody can present: Django's unusable-password marker."""
    return make_password(None)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def initial_access_token_valid(token: str | None) -> bool:
    """An access token with the registration scope serves as initial access token."""
    if not token:
        return False
    stored = get_access_token_model().objects.filter(token_checksum=_hash(token)).first()
    scope = app_settings.REGISTRATION.INITIAL_ACCESS_TOKEN_SCOPE
    if stored is None and (honoured := stateless_services.live(token)) is not None:
        return scope in str(honoured[0].get("scope", "")).split()
    return stored is not None and stored.is_valid([scope])


def _checked(data: Any, *, initial_access_token: str | None, require_authorization: bool = True):
    """``(publisher, metadata, statement, statement metadata)``: a statement's claims
    take precedence over the JSON body (RFC 7591 §2.3)."""
    if not isinstance(data, dict):
        raise client_metadata.InvalidClientMetadata("the request body must be a JSON object")
    statement = data.get("software_statement")
    publisher, asserted = None, {}
    merged = {k: v for k, v in data.items() if k != "software_statement"}
    if statement is not None:
        publisher, claims = verify_statement(statement)
        asserted = statement_metadata(claims)
        merged.update(asserted)
    elif require_authorization and not initial_access_token_valid(initial_access_token):
        if merged.get("token_endpoint_auth_method") == "none" and app_settings.REGISTRATION.PUBLIC_CLIENTS == "open":
            return None, client_metadata.validate(merged, open_public_policy()), None, {}
        if app_settings.REGISTRATION.OPEN_WITH_STATEMENT:
            raise InvalidToken("A software statement from a trusted publisher or an initial access token is required.")
    meta = client_metadata.validate(merged, publisher)
    if (meta.token_endpoint_auth_method == "none" and app_settings.REGISTRATION.PUBLIC_CLIENTS == "off"
            and not initial_access_token_valid(initial_access_token)):
        raise client_metadata.InvalidClientMetadata("public clients cannot register here")
    return publisher, meta, statement, asserted


def open_public_policy() -> SoftwarePublisher:
    """What an open registration of a public native client may ask for
    (draft-ietf-mailmaint-oauth-public-06, RFC 8252 §7): a policy in the shape of a
    publisher's, never stored."""
    return SoftwarePublisher(
        name="open registration", redirect_uri_forms=["loopback", "private_use"], allowed_auth_methods=["none"],
        allowed_grant_types=["authorization_code", "refresh_token"], require_instance_key=False,
        scope_ceiling=list(app_settings.REGISTRATION.OPEN_SCOPES),
    )


def is_open_public(data: Any, initial_access_token: str | None) -> bool:
    """Whether ``data`` asks for an open registration of a public client (throttled apart)."""
    return (app_settings.REGISTRATION.PUBLIC_CLIENTS == "open" and isinstance(data, dict)
            and "software_statement" not in data and data.get("token_endpoint_auth_method") == "none"
            and not initial_access_token)


def _apply(application: Any, instance: ClientInstance, meta: client_metadata.ClientMetadata, publisher, statement) -> None:
    application.name = meta.extra.get("client_name", "")[:255]
    application.redirect_uris = " ".join(meta.redirect_uris)
    application.authorization_grant_type = meta.dot_grant_type
    application.client_type = application.CLIENT_PUBLIC if meta.token_endpoint_auth_method == "none" else application.CLIENT_CONFIDENTIAL
    application.save()
    profile = ClientProfile.objects.filter(application=application).first() or ClientProfile(application=application)
    profile.token_endpoint_auth_method = meta.token_endpoint_auth_method
    profile.jwks, profile.jwks_uri = meta.jwks, meta.jwks_uri
    profile.token_endpoint_auth_signing_alg = meta.token_endpoint_auth_signing_alg
    for name in _profile_fields():  # a replacement resets what it omits
        setattr(profile, name, meta.profile.get(name, _column(ClientProfile, name).get_default()))
    profile.full_clean(exclude=["application"])
    profile.save()
    instance.application = application
    instance.publisher = publisher
    instance.software_statement = statement or ""
    instance.scope = meta.scope
    for name in ("software_id", "software_version", "client_name", "device_label", "platform"):
        setattr(instance, name, str(meta.extra.get(name, ""))[: _column(ClientInstance, name).max_length])
    instance.save()


def _register_stateless(publisher, meta: client_metadata.ClientMetadata, statement: str, asserted: dict[str, Any]) -> Registration:
    """Nothing is written per instance: the client_id carries what identifies it."""
    keys = (meta.jwks or {}).get("keys", [])
    if meta.token_endpoint_auth_method != "private_key_jwt" or len(keys) != 1:
        raise client_metadata.InvalidClientMetadata("a stateless instance registers exactly one key in jwks, for private_key_jwt")
    template = stateless.template_for(publisher, {
        "redirect_uris": meta.redirect_uris, "dot_grant_type": meta.dot_grant_type, "scope": meta.scope,
        **{k: meta.extra[k] for k in ("software_id", "software_version", "client_name", "platform") if k in meta.extra},
    })
    issued_at = int(time.time())
    client_id = stateless.issue_client_id(template, keys[0], now=issued_at)
    return Registration(client_id, issued_at, meta, software_statement=statement, statement_claims=asserted)


@transaction.atomic
def register(data: Any, *, initial_access_token: str | None = None) -> Registration:
    publisher, meta, statement, asserted = _checked(data, initial_access_token=initial_access_token)
    if publisher is not None and publisher.allow_stateless:
        return _register_stateless(publisher, meta, statement, asserted)
    Application = get_application_model()
    secret = secrets.token_urlsafe(48) if meta.token_endpoint_auth_method.startswith("client_secret") else None
    application = Application(
        # DOT's generator (CLIENT_ID_GENERATOR_CLASS): letters and digits, so an id is never
        # taken for an option on a command line ("-…") nor breaks HTTP Basic.
        client_id=generate_client_id(), client_secret=secret or unusable_secret(), algorithm="",
        # A secret the client holds is hashed (in clear only where client_secret_jwt needs it);
        # a key-authenticated client gets an unusable one, and no password hash to pay for.
        hash_client_secret=secret is not None and meta.token_endpoint_auth_method != "client_secret_jwt",
    )
    registration_token = secrets.token_urlsafe(32)
    instance = ClientInstance(registration_access_token_hash=_hash(registration_token))
    _apply(application, instance, meta, publisher, statement)
    return _of(instance, meta, client_secret=secret, registration_access_token=registration_token, statement_claims=asserted)


def authorize_management(client_id: str, token: str | None) -> ClientInstance:
    """The instance whose registration access token this is (RFC 7592 §2)."""
    instance = ClientInstance.objects.select_related("application", "publisher").filter(
        application__client_id=client_id, revoked_at__isnull=True, stateless=False
    ).first()
    if instance is None or not token or not hmac.compare_digest(instance.registration_access_token_hash, _hash(token)):
        raise InvalidToken("The registration access token is invalid.")
    return instance


def current(instance: ClientInstance) -> Registration:
    profile = instance.application.oauth_ext_profile
    meta = client_metadata.ClientMetadata(
        redirect_uris=instance.application.redirect_uris.split(),
        grant_types=["client_credentials"] if instance.application.authorization_grant_type == "client-credentials"
        else ["authorization_code", "refresh_token"],
        token_endpoint_auth_method=profile.token_endpoint_auth_method, scope=instance.scope,
        jwks=profile.jwks, jwks_uri=profile.jwks_uri, token_endpoint_auth_signing_alg=profile.token_endpoint_auth_signing_alg,
        extra={k: getattr(instance, k) for k in ("client_name", "software_id", "software_version", "device_label", "platform")
               if getattr(instance, k)},
        profile={k: getattr(profile, k) for k in _profile_fields()
                 if getattr(profile, k)},
    )
    return _of(instance, meta)


@transaction.atomic
def replace(instance: ClientInstance, data: Any) -> Registration:
    """RFC 7592 §2.2: a full replacement, the statement verified and policy applied again."""
    if isinstance(data, dict) and data.get("client_id") not in (None, instance.application.client_id):
        raise client_metadata.InvalidClientMetadata("client_id cannot change")
    body = {k: v for k, v in data.items() if k not in ("client_id", "client_secret", "registration_access_token",
                                                         "registration_client_uri", "client_id_issued_at",
                                                         "client_secret_expires_at")} if isinstance(data, dict) else data
    if instance.publisher is not None and isinstance(body, dict) and "software_statement" not in body:
        body["software_statement"] = instance.software_statement  # re-verified: the publisher may be gone by now
    publisher, meta, statement, asserted = _checked(body, initial_access_token=None, require_authorization=False)
    if instance.publisher is not None and publisher != instance.publisher:
        raise client_metadata.InvalidClientMetadata("the software statement must come from the same publisher")
    _apply(instance.application, instance, meta, publisher, statement)
    return _of(instance, meta, statement_claims=asserted)


@transaction.atomic
def delete(instance: ClientInstance) -> None:
    """RFC 7592 §2.3: the client and everything it holds are gone."""
    delete_tokens(instance.application)
    instance.application.delete()


def _column(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The field of ``model`` named ``name``: a column, never a reverse relation."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{name} is not a column of {model.__name__}")
    return field


def _profile_fields() -> list[str]:
    """The profile columns of every feature's client fields, switched on or not."""
    return [f.name for f in features.client_fields(only_enabled=False)]
