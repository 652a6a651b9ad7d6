"""``ccr`` (draft-lombardo-oauth-client-extension-claims-02 §3.2): the authentication
context class reference a client satisfied when it authenticated, here the trust
framework that vouched for the key it authenticated with:

- ``attestation``: an attestation by a trusted Attester (``attest_jwt_client_auth``,
  ``attest_jwt_client_auth_dpop``);
- ``spiffe``: an SVID of a configured SPIFFE trust domain (``spiffe_jwt``, ``spiffe_x509``);
- ``software_statement``: a key registered by an instance under a statement of a
  software publisher that is still enabled (``private_key_jwt``,
  ``self_signed_tls_client_auth``).

The first that applies, in that order, names the class; its value is an absolute URI
from ``TOKEN_CONTEXT.CCR`` (default ``<issuer>/ccr/<framework>``). The draft fixes
``ccr`` for every access token of one authorization, so a refresh keeps the value
recorded with the authorization's refresh-token family (``ConsentFamily.ccr``), and
drops it when the client no longer satisfies it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from .. import context
from ..conf import app_settings

FRAMEWORK_OF_METHOD = {
    "attest_jwt_client_auth": "attestation",
    "attest_jwt_client_auth_dpop": "attestation",
    "spiffe_jwt": "spiffe",
    "spiffe_x509": "spiffe",
}
#: Methods whose key a registration under a software statement put in place.
REGISTERED_KEY_METHODS = ("private_key_jwt", "self_signed_tls_client_auth")


def framework(request: Any) -> str | None:
    """The trust framework this request's client authentication went through."""
    method = context.of(request).client_auth_method
    if method in FRAMEWORK_OF_METHOD:
        return FRAMEWORK_OF_METHOD[method]
    if method in REGISTERED_KEY_METHODS:
        try:
            publisher = request.client.oauth_ext_instance.publisher
        except (AttributeError, ObjectDoesNotExist):
            return None
        if publisher is not None and publisher.enabled:
            return "software_statement"
    return None


def ccr_value(name: str | None) -> str | None:
    if name is None:
        return None
    value = app_settings.TOKEN_CONTEXT.CCR.get(name)
    if value is None and app_settings.issuer:
        return f"{app_settings.issuer.rstrip('/')}/ccr/{name}"
    return value or None


def ccr(request: Any) -> str | None:
    current = ccr_value(framework(request))
    if request.grant_type != "refresh_token":
        return current
    family = context.of(request).family  # the consent's refresh-token family (consent/validators.py)
    previous = family.ccr or None if family is not None else None
    return previous if previous is not None and previous == current else None
