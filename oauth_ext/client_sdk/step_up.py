"""Step-up challenges for client apps: read what a resource server asks for, obtain
it, retry (draft-lombardo-oauth-step-up-authz-challenge-proto-01 and -03,
draft-zehavi-oauth-rar-metadata-06, RFC 9470).

:func:`parse_challenge` reads any of the three authorization challenges (403
``requested_authorization`` with a JSON body; 403 ``insufficient_authorization`` with
``body_instructions=true`` and an AuthZEN body; 401 ``insufficient_authorization``
with ``authorization_remediation``) and RFC 9470's ``insufficient_user_authentication``.
:class:`StepUpAuth` reacts to them: it asks ``obtain`` (your authorization request
with those ``authorization_details`` / ``acr_values``) for a new access token, keeps
tokens by ``authorization_reference`` to reuse them, and retries once::

    def obtain(step_up: StepUp) -> str:            # e.g. PAR + the browser, with RAR
        return get_token(authorization_details=step_up.authorization_details)

    requests.post(api_url, json=order, auth=StepUpAuth(access_token, obtain))
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

AUTHZ_ERRORS = ("requested_authorization", "insufficient_authorization")
_PARAM = re.compile(r'([A-Za-z0-9_\-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


class StepUpFailed(Exception):
    """The resource server still refuses after the authorization it asked for."""


@dataclass(frozen=True)
class StepUp:
    """What a resource server asked for."""

    error: str
    status: int
    authorization_details: list[dict[str, Any]] | None = None
    authorization_reference: str | None = None
    resource_metadata_uri: str | None = None
    acr_values: list[str] | None = None
    max_age: int | None = None


def challenge_params(header: str) -> tuple[str, dict[str, str]]:
    """The scheme and auth-params of one ``WWW-Authenticate`` challenge (RFC 9110 §11.6.1)."""
    scheme, _, rest = header.strip().partition(" ")
    params = {}
    for name, quoted, bare in _PARAM.findall(rest):
        params[name] = bare or re.sub(r"\\(.)", r"\1", quoted)
    return scheme, params


def _b64url_json(value: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


def parse_challenge(status: int, header: str | None, body: Any = None) -> StepUp | None:
    """The step-up a response asks for, or None when it is no step-up challenge."""
    if status not in (401, 403) or not header:
        return None
    _, params = challenge_params(header)
    error = params.get("error")
    if error == "insufficient_user_authentication":
        max_age = params.get("max_age")
        return StepUp(error, status, acr_values=params["acr_values"].split() if params.get("acr_values") else None,
                      max_age=int(max_age) if max_age and max_age.isdigit() else None)
    if error not in AUTHZ_ERRORS:
        return None
    details = reference = None
    if "authorization_remediation" in params:  # rar-metadata-06 §4.1
        try:
            remediation = _b64url_json(params["authorization_remediation"])
        except (ValueError, UnicodeDecodeError):
            remediation = {}
        details, reference = remediation.get("authorization_details"), remediation.get("authorization_reference")
    elif error == "requested_authorization" and isinstance(body, dict):  # lombardo -01
        details = body.get("authorization_details")
    elif params.get("body_instructions") == "true" and isinstance(body, dict):  # lombardo -03 §4.4.2
        for item in (body.get("context") or {}).get("details") or []:
            if isinstance(item, dict) and item.get("loc") == "/authorization_details":
                details = item.get("value", item.get("values"))
    return StepUp(error, status, authorization_details=details if isinstance(details, list) else None,
                  authorization_reference=reference if isinstance(reference, str) else None,
                  resource_metadata_uri=params.get("resource_metadata_uri"))


def response_step_up(response: requests.Response) -> StepUp | None:
    try:
        body = response.json()
    except ValueError:
        body = None
    return parse_challenge(response.status_code, response.headers.get("WWW-Authenticate"), body)


class StepUpAuth(requests.auth.AuthBase):
    """``Authorization: Bearer`` with step-up: on a challenge, a token kept for its
    ``authorization_reference`` is tried first (the same resource server only), else
    ``obtain(step_up)`` gets a new one; one retry each, and never a second round for
    the same reference (rar-metadata-06 §7.3.3 loop prevention)."""

    def __init__(self, access_token: str, obtain: Callable[[StepUp], str]):
        self.access_token = access_token
        self.obtain = obtain
        self.by_reference: dict[tuple[str, str], str] = {}

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.access_token}"
        request.register_hook("response", self._step_up)
        return request

    def _retry(self, response: requests.Response, token: str, **kwargs: Any) -> requests.Response:
        retry = response.request.copy()
        retry.hooks = {"response": []}
        retry.headers["Authorization"] = f"Bearer {token}"
        response.close()
        return response.connection.send(retry, **kwargs)

    def _step_up(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        step_up = response_step_up(response)
        if step_up is None:
            return response
        origin = urlsplit(response.url).netloc
        key = (origin, step_up.authorization_reference) if step_up.authorization_reference else None
        if key and key in self.by_reference and self.by_reference[key] != self.access_token:
            reused = self._retry(response, self.by_reference[key], **kwargs)
            if reused.ok:
                self.access_token = self.by_reference[key]
                return reused
            response = reused
        token = self.obtain(step_up)
        retried = self._retry(response, token, **kwargs)
        again = response_step_up(retried)
        if again is not None and (again.authorization_reference is None
                                  or again.authorization_reference == step_up.authorization_reference):
            raise StepUpFailed(f"{again.error} after obtaining {step_up.authorization_details!r}")
        self.access_token = token
        if key:
            self.by_reference[key] = token
        return retried
