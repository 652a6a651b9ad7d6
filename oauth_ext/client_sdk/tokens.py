"""Tokens a client app holds, refreshed before they lapse
(draft-ietf-oauth-refresh-token-expiration-03).

A refresh token may be held unused for ``refresh_token_timeout`` seconds and never
beyond ``authorization_expires_in``; a client that is idle for longer loses it and
must send its user through the authorization again. :class:`TokenRefresher`
refreshes ahead of time: when the access token is about to expire, and when the
refresh token would otherwise time out unused::

    refresher = TokenRefresher(token_url, auth=PrivateKeyJWTAuth(signer))
    tokens = Tokens.from_response(requests.post(token_url, data=..., auth=...).json())
    tokens = refresher.ensure_fresh(tokens)              # before each use, or from a timer at tokens.refresh_at()
    requests.get(api_url, headers={"Authorization": f"Bearer {tokens.access_token}"})
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests

DRAFT = "draft-ietf-oauth-refresh-token-expiration-03"


class RefreshFailed(Exception):
    """The token endpoint refused the refresh (``invalid_grant``: authorize again)."""

    def __init__(self, status: int, body: dict[str, Any]):
        super().__init__(f"{status} {body.get('error')}: {body.get('error_description', '')}")
        self.status = status
        self.error = body.get("error")


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str | None = None
    #: Epoch seconds; None when the server did not say.
    access_expires_at: float | None = None
    refresh_token_expires_at: float | None = None  # from refresh_token_timeout
    authorization_expires_at: float | None = None  # from authorization_expires_in

    @classmethod
    def from_response(cls, body: dict[str, Any], *, now: float | None = None, previous: Tokens | None = None) -> Tokens:
        """From a token response. A response without a ``refresh_token`` keeps the
        previous one; its expiry values then describe that one (§6.1)."""
        now = time.time() if now is None else now

        def at(name: str) -> float | None:
            value = body.get(name)
            return now + value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

        kept = previous if previous is not None and not body.get("refresh_token") else None
        return cls(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token") or (kept.refresh_token if kept else None),
            access_expires_at=at("expires_in"),
            # §6.1.2: omitted values say nothing about later ones, but an unchanged
            # refresh token keeps its last known deadline.
            refresh_token_expires_at=at("refresh_token_timeout") or (kept.refresh_token_expires_at if kept else None),
            authorization_expires_at=at("authorization_expires_in") or (kept.authorization_expires_at if kept else None),
        )

    def refresh_at(self, *, margin: float) -> float | None:
        """When to refresh: ``margin`` seconds before the access token expires or the
        refresh token would time out unused, whichever comes first."""
        deadlines = [d for d in (self.access_expires_at, self.refresh_token_expires_at) if d is not None]
        return min(deadlines) - margin if deadlines and self.refresh_token else None


class TokenRefresher:
    """Refreshes :class:`Tokens` at the token endpoint ahead of their deadlines.

    ``auth`` authenticates the client (e.g. :class:`oauth_ext.client_sdk.PrivateKeyJWTAuth`);
    a public client passes ``client_id`` instead. ``margin`` is how many seconds
    before a deadline the refresh happens.
    """

    def __init__(self, token_url: str, *, auth: Any = None, client_id: str | None = None, margin: float = 60,
                 session: requests.Session | None = None, timeout: float = 30):
        self.token_url = token_url
        self.auth = auth
        self.client_id = client_id
        self.margin = margin
        self.session = session or requests.Session()
        self.timeout = timeout

    def refresh(self, tokens: Tokens, *, now: float | None = None, **params: str) -> Tokens:
        if not tokens.refresh_token:
            raise ValueError("no refresh token to refresh with")
        data = {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token, **params}
        if self.client_id:
            data["client_id"] = self.client_id
        response = self.session.post(self.token_url, data=data, auth=self.auth, timeout=self.timeout)
        body = response.json() if response.content else {}
        if response.status_code != 200 or "access_token" not in body:
            raise RefreshFailed(response.status_code, body)
        return Tokens.from_response(body, now=now, previous=tokens)

    def due(self, tokens: Tokens, *, now: float | None = None) -> bool:
        """Whether a deadline is within the margin (never without a refresh token)."""
        at = tokens.refresh_at(margin=self.margin)
        return at is not None and (time.time() if now is None else now) >= at

    def ensure_fresh(self, tokens: Tokens, *, now: float | None = None) -> Tokens:
        """``tokens``, refreshed first when a deadline is within the margin."""
        return self.refresh(tokens, now=now) if self.due(tokens, now=now) else tokens
