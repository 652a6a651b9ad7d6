"""RFC 9207: the ``iss`` parameter of authorization responses, the mix-up defence
RFC 9700 §4.4.2 asks for. Added to every redirect back to the client, success or
error, by the authorization view."""

from __future__ import annotations

from urllib.parse import unquote_plus, urlencode, urlsplit, urlunsplit

from ..conf import app_settings


def _without_iss(component: str) -> list[str]:
    return [p for p in component.split("&") if p and unquote_plus(p.split("=", 1)[0]) != "iss"]


def with_iss(uri: str) -> str:
    """``uri`` with exactly one ``iss``, our issuer identifier (RFC 9207 §2), in the
    component that carries the response: the fragment if there is one, else the query.
    Every other parameter keeps its spelling."""
    issuer = app_settings.issuer
    if not issuer:
        return uri
    scheme, netloc, path, query, fragment = urlsplit(uri)
    param = urlencode({"iss": issuer})
    query_params, fragment_params = _without_iss(query), _without_iss(fragment)
    (fragment_params if fragment else query_params).append(param)
    return urlunsplit((scheme, netloc, path, "&".join(query_params), "&".join(fragment_params)))
