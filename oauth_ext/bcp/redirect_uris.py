"""Redirect URIs compared as exact strings (RFC 9700 §4.1.3, RFC 6749 §3.1.2.3).

DOT compares parsed components, and ``urlsplit().hostname`` lowercases the host, so a
redirect URI with the host in other letter case passes. Simple string comparison
(RFC 3986 §6.2.1) is what RFC 9700 asks for; the one exception is the port of a
loopback IP redirect URI, which a native app chooses at request time (RFC 8252 §7.3).
"""

from __future__ import annotations

import re

_LOOPBACK_PORT = re.compile(r"^(http://(?:127\.0\.0\.1|\[::1\])):\d{1,5}(?=[/?]|$)")


def _comparable(uri: str) -> str:
    return _LOOPBACK_PORT.sub(r"\1", uri)


def registered_exactly(uri: str, registered: list[str]) -> bool:
    """``uri`` is one of ``registered`` character for character (loopback ports aside)."""
    return _comparable(uri) in {_comparable(r) for r in registered}
