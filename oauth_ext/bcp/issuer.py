"""RFC 9207: the ``iss`` parameter of authorization responses, the mix-up defence
RFC 9700 §4.4.2 asks for. Added to every redirect back to the client, success or
error, by the authorization view."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..conf import app_settings


def with_iss(uri: str) -> str:
    """``uri`` with exactly one ``iss``, our issuer identifier (RFC 9207 §2), in the
    component that carries the response: the fragment if there is one, else the query."""
    issuer = app_settings.issuer
    if not issuer:
        return uri
    scheme, netloc, path, query, fragment = urlsplit(uri)
    query_params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "iss"]
    fragment_params = [(k, v) for k, v in parse_qsl(fragment, keep_blank_values=True) if k != "iss"]
    (fragment_params if fragment else query_params).append(("iss", issuer))
    return urlunsplit((scheme, netloc, path, urlencode(query_params), urlencode(fragment_params)))
