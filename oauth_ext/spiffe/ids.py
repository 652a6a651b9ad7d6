"""SPIFFE IDs (SPIFFE-ID standard §2) and the ``spiffe_id`` match of -02 §5.1."""

from __future__ import annotations

import re

# spiffe://<trust domain>/<path>: lowercase trust domain, no port, userinfo, query or fragment.
SPIFFE_ID = re.compile(r"^spiffe://([a-z0-9._-]+)((?:/[A-Za-z0-9._-]+)*)$")


def trust_domain(spiffe_id: object) -> str | None:
    """The trust domain of a valid SPIFFE ID, else None."""
    if not isinstance(spiffe_id, str) or len(spiffe_id) > 2048:
        return None
    match = SPIFFE_ID.match(spiffe_id)
    if match is None or any(segment in (".", "..") for segment in match.group(2).split("/")[1:]):
        return None
    return match.group(1)


def matches(registered: str, presented: str) -> bool:
    """-02 §5.1: exact, or with a trailing ``/*`` a path-segment prefix match
    (``spiffe://example.org/client/*`` matches ``.../client/123``, not ``.../client123``)."""
    if not registered or trust_domain(presented) is None:
        return False
    if registered.endswith("/*"):
        prefix = registered[:-1]
        return presented.startswith(prefix) and len(presented) > len(prefix)
    return presented == registered


def valid_pattern(registered: str) -> bool:
    """A registered ``spiffe_id``: a SPIFFE ID, or one followed by ``/*``."""
    base = registered[:-2] if registered.endswith("/*") else registered
    return trust_domain(base) is not None and base.count("/") >= (2 if registered.endswith("/*") else 3)
