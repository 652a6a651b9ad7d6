"""Native authorization requests (draft-zehavi-oauth-app2app-browserless-07 §3.4, §3.5).

A native request is an ordinary authorization request plus ``native_callback_uri``,
validated exactly as the authorization endpoint validates (oauthlib's own
``validate_authorization_request``), then kept as a pushed request (RFC 9126) for the
authorization server's User-Interacting App, reached by a deep link. The same
request_uri opens in a browser at the authorization endpoint when that app is not on
the device (§4.2).

Guardrails: ``native_callback_uri`` is an https URL the client registered as a
redirect URI (§5.2 trust in the callback, §5.4 https deep links), PKCE with S256
(§5.5), and the answers are JSON, never redirects (§3.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.urls import reverse
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749.errors import FatalClientError, OAuth2Error

from ..clients.services import load_client
from ..conf import app_settings
from ..core.errors import InvalidRequest
from ..core.issuer import endpoint_url
from ..core.oauthlib_errors import from_oauthlib
from ..par import services as par
from ..par.models import PushedRequest
from ..par.views import par_required
from .errors import NativeAppUnsupported

SINGLE_VALUED = ("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
                 "code_challenge_method", "native_callback_uri", "authorization_details", "prompt", "nonce")


@dataclass(frozen=True)
class ClientError:
    """An error whose audience is the OAuth client: handed back as a ``call`` of its
    redirect_uri (§3.5.4)."""

    url: str


def callback_allowed(client: Any, uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "https" and bool(parts.netloc) and not parts.fragment and client.redirect_uri_allowed(uri)


def start(params: Any, *, build_absolute_uri: Any) -> str | ClientError:
    """Validate a native authorization request and keep it; the deep link to the
    User-Interacting App, or the client's redirect_uri carrying an OAuth error."""
    for name in SINGLE_VALUED:
        if len(params.getlist(name)) > 1:
            raise InvalidRequest(f"parameter {name} repeated")
    if "request_uri" in params:
        raise NativeAppUnsupported("Push the native_callback_uri with the request, not a request_uri.")
    client_id = params.get("client_id")
    if par_required(client_id):
        raise NativeAppUnsupported("This client must push its authorization requests.")
    client = load_client(client_id) if client_id else None
    callback = params.get("native_callback_uri")
    if not callback:
        raise InvalidRequest("native_callback_uri is required")  # §3.4
    query = [(k, v) for k in params for v in params.getlist(k) if k != "native_callback_uri"]
    client_error = None
    try:
        get_oauthlib_core().server.validate_authorization_request(
            build_absolute_uri(reverse("oauth2_provider:authorize")) + "?" + urlencode(query), "GET", None, {})
    except FatalClientError as exc:  # no trusted redirect_uri to tell the client
        raise from_oauthlib(exc) from exc
    except OAuth2Error as exc:
        client_error = ClientError(add_params_to_uri(exc.redirect_uri or params["redirect_uri"], exc.twotuples))
    if client is None or not callback_allowed(client, callback):
        # §5.2: the callback must be a deep link this client is known to claim.
        raise InvalidRequest("native_callback_uri must be an https redirect URI the client registered")
    if client_error is not None:
        return client_error
    if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
        pairs = [("error", "invalid_request"), ("error_description", "PKCE with S256 is required")]  # §5.5
        if params.get("state"):
            pairs.append(("state", params["state"]))
        return ClientError(add_params_to_uri(params["redirect_uri"], pairs))
    request_uri = par.keep(client, {"query": query, "native_callback_uri": callback},
                           expires_in=app_settings.APP2APP.EXPIRES_IN)
    app = app_settings.APP2APP.USER_INTERACTING_APP or endpoint_url("oauth_ext:native-app")
    return add_params_to_uri(app, [("client_id", client.client_id), ("request_uri", request_uri)])


def native_callback(found: PushedRequest, redirect: str) -> str:
    """§3.6: the client app's deep link, carrying the response as ``redirect_uri``."""
    return add_params_to_uri(found.parameters["native_callback_uri"], [("redirect_uri", redirect)])
