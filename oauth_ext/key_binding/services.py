"""Read and authorize a ``tmb`` token request parameter (draft-richer-oauth-tmb-claim-01).

The value is the form-encoded ``cnf`` the requester wants in the token. Guardrails
that no policy can lift: the requester is an authenticated client; the value names
exactly one public key by one confirmation method (``jkt``, ``jwk`` or
``x5t#S256``), never a private or symmetric key.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from django.utils.module_loading import import_string

from .. import context
from ..client_auth.registry import body_param
from ..conf import app_settings
from ..core import jose, untrusted_json
from ..core.errors import InvalidRequest, UnauthorizedClient

logger = logging.getLogger(__name__)

MAX_BYTES = 4096
SHA256_B64URL = re.compile(r"^[A-Za-z0-9_-]{43}$")


def parse(value: str) -> tuple[dict[str, Any], str]:
    """``(cnf, key id)`` for a ``tmb`` value, or :class:`InvalidRequest`."""
    if len(value.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise InvalidRequest("tmb is too large")
    try:
        cnf = untrusted_json.loads(value)
    except ValueError as exc:
        raise InvalidRequest("tmb must be a JSON confirmation (cnf) object") from exc
    if not isinstance(cnf, dict) or len(cnf) != 1:
        raise InvalidRequest("tmb must name exactly one key by jkt, jwk or x5t#S256")
    (method, key), = cnf.items()
    if method in ("jkt", "x5t#S256"):
        if not isinstance(key, str) or not SHA256_B64URL.match(key):
            raise InvalidRequest(f"tmb {method} must be a base64url SHA-256 value")
        return {method: key}, key
    if method == "jwk":
        try:
            jose.load_public_jwk(key)
            return {"jwk": key}, jose.jwk_thumbprint(key)
        except jose.JOSEError as exc:
            raise InvalidRequest("tmb jwk must be a public asymmetric key", reason=str(exc)) from exc
    raise InvalidRequest("tmb must name exactly one key by jkt, jwk or x5t#S256")


@functools.lru_cache(maxsize=4)
def _policy(path: str) -> Any:
    return import_string(path)()


def requested_confirmation(request: Any) -> dict[str, Any] | None:
    """The ``cnf`` a token request asks for with ``tmb``, once allowed; None without ``tmb``.

    RFC 9449 / RFC 8705 keys of the same request are ignored for the token's ``cnf``
    (the draft: "any keys there MUST be ignored").
    """
    value = body_param(request, "tmb")
    if value is None:
        return None
    cnf, key_id = parse(value)
    method = context.of(request).client_auth_method
    if request.client is None or method in (None, "none"):
        raise UnauthorizedClient("deferred key binding requires an authenticated client")
    if not _policy(app_settings.DEFERRED_KEY_BINDING.POLICY).allows(client=request.client, key_id=key_id, confirmation=cnf, request=request):
        raise UnauthorizedClient("deferred key binding is not permitted", reason=f"{request.client.client_id!r} for key {key_id}")
    logger.info("token for %s bound to key %s on request of its client", request.client.client_id, key_id)
    return cnf
