"""Helpers of the RFC 9700 tests: an authorization-code client and its tokens' state."""

from __future__ import annotations

import hashlib
from typing import Any

from oauth2_provider.models import get_access_token_model, get_application_model, get_refresh_token_model

from oauth_ext.status_list.models import StatusEntry

Application = get_application_model()


def checksum(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def access_token_exists(token: str) -> bool:
    return get_access_token_model().objects.filter(token_checksum=checksum(token)).exists()


def refresh_token_revoked(token: str) -> bool:
    row = get_refresh_token_model().objects.filter(token_checksum=checksum(token)).order_by("-pk").first()
    return row is not None and row.revoked is not None


def status_of(token: str) -> int:
    return StatusEntry.objects.get(token_checksum=checksum(token)).status


def redeem(token_request: Any, registered: Any, exchange: dict[str, str], **extra: str) -> tuple[int, dict[str, Any]]:
    data = {k: v for k, v in exchange.items() if k != "client_id"}
    status, body, _ = token_request({**data, **registered.form(), **extra})
    return status, body


def refresh(token_request: Any, registered: Any, refresh_token: str) -> tuple[int, dict[str, Any]]:
    status, body, _ = token_request({"grant_type": "refresh_token", "refresh_token": refresh_token, **registered.form()})
    return status, body
