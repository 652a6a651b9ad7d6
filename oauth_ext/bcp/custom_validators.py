"""oauthlib custom validators (the grants' documented ``custom_validators`` hooks),
registered on every grant by :class:`oauth_ext.server.Server`."""

from __future__ import annotations

from typing import Any

from oauthlib.oauth2.rfc6749 import errors

#: Token-endpoint parameters that may appear once (RFC 6749 §3.2); our backend keeps
#: their repeats so they can be refused here instead of collapsing to the last value.
SINGLE_VALUED = frozenset({"client_id", "client_secret", "client_assertion", "client_assertion_type", "scope"})


def refuse_plain_pkce(request: Any) -> dict[str, Any]:
    """Authorization request: ``S256`` only (RFC 9700 §2.1.1). oauthlib reads a missing
    method as ``plain`` (RFC 7636 §4.3), so that is refused too."""
    if request.code_challenge is not None and request.code_challenge_method != "S256":
        raise errors.InvalidRequestError(description='code_challenge_method must be "S256"', request=request)
    return {}


def refuse_repeated_parameters(request: Any) -> None:
    """Token request: a single-valued parameter sent twice is ``invalid_request``."""
    repeated = sorted(SINGLE_VALUED.intersection(request.duplicate_params))
    if repeated:
        raise errors.InvalidRequestError(description=f"parameter {repeated[0]} repeated", request=request)


def install(server: Any) -> None:
    """Hook the validators above into every grant of ``server`` that has the hooks."""
    authorization = [g for g in (getattr(server, "auth_grant", None), getattr(server, "openid_connect_auth", None)) if g]
    grants = {id(g): g for g in [*server.grant_types.values(), *authorization]}
    for grant in grants.values():
        validators = getattr(grant, "custom_validators", None)
        if validators is not None:
            validators.pre_token.append(refuse_repeated_parameters)
    for grant in authorization:
        grant.custom_validators.post_auth.append(refuse_plain_pkce)
