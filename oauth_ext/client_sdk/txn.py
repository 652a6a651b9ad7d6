"""For a workload: exchange the access token a request arrived with for a Txn-Token
(draft-ietf-oauth-transaction-tokens-10), then send it on in the ``Txn-Token`` header."""

from __future__ import annotations

import json
from typing import Any

import requests

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
TXN_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:txn_token"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"


def request_txn_token(
    token_endpoint: str,
    auth: requests.auth.AuthBase,
    *,
    subject_token: str,
    audience: str,
    scope: str,
    request_context: dict[str, Any] | None = None,
    request_details: dict[str, Any] | None = None,
    timeout: float = 10,
) -> requests.Response:
    """POST the RFC 8693 request; ``auth`` authenticates the workload (e.g. PrivateKeyJWTAuth)."""
    data = {
        "grant_type": GRANT_TYPE,
        "requested_token_type": TXN_TOKEN_TYPE,
        "audience": audience,
        "scope": scope,
        "subject_token": subject_token,
        "subject_token_type": ACCESS_TOKEN_TYPE,
    }
    if request_context is not None:
        data["request_context"] = json.dumps(request_context)
    if request_details is not None:
        data["request_details"] = json.dumps(request_details)
    return requests.post(token_endpoint, data=data, auth=auth, timeout=timeout)
