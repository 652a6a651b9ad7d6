"""oauthlib servers with the grants oauthlib lacks.

Point DOT at one: ``OAUTH2_PROVIDER["OAUTH2_SERVER_CLASS"] = "oauth_ext.server.Server"``
(or ``"oauth_ext.server.OpenIDServer"`` on an OpenID Connect site). Every grant
oauthlib has stays as it is, with the RFC 9700 request checks of ``oauth_ext.bcp``
hooked into its documented custom validators.
"""

from __future__ import annotations

from typing import Any

from oauthlib.oauth2 import Server as OAuth2Server
from oauthlib.openid import Server as OIDCServer

from .bcp import custom_validators
from .transaction_tokens.grant import TokenExchangeGrant
from .transaction_tokens.services import GRANT_TYPE as TOKEN_EXCHANGE


class ExtendedGrantsMixin:
    grant_types: dict[str, Any]  # set by oauthlib's (untyped) Server

    def __init__(self, request_validator: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(request_validator, *args, **kwargs)  # type: ignore[call-arg]  # oauthlib's Server, untyped
        self.grant_types[TOKEN_EXCHANGE] = TokenExchangeGrant(request_validator)
        custom_validators.install(self)


class Server(ExtendedGrantsMixin, OAuth2Server):
    """oauthlib's OAuth 2.0 server plus RFC 8693 token exchange (for Txn-Tokens)."""


class OpenIDServer(ExtendedGrantsMixin, OIDCServer):
    """oauthlib's OpenID Connect server plus RFC 8693 token exchange (for Txn-Tokens)."""
