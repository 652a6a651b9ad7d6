"""JSON from outside, parsed with a size and a nesting-depth limit.

``json.loads`` recurses once per nesting level: ``[`` × 3000 raises ``RecursionError``
(a 500), and a value nested just below the interpreter's limit crashes whatever
walks it next. Every entry point that parses JSON it did not write goes through
:func:`loads`, whose error is a ``ValueError``, so each caller answers with its own
spec's error as for any other malformed JSON. Free of Django (client apps use it
through :mod:`oauth_ext.core.jose`).
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Deepest nesting of arrays and objects accepted. OAuth messages (JWT headers and
#: claims, client metadata, authorization details, JWKS) nest a few levels.
MAX_DEPTH = 32

# A string literal (skipped: brackets inside it are text) or a bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class UntrustedJSONError(ValueError):
    """Not JSON, larger than allowed, or nested too deeply. The message is for logs."""


def loads(data: str | bytes, *, max_bytes: int | None = None, max_depth: int = MAX_DEPTH) -> Any:
    """The value of JSON text ``data`` (``bytes`` as RFC 8259 UTF-8), or
    :class:`UntrustedJSONError` when it is larger than ``max_bytes`` or nests
    arrays and objects deeper than ``max_depth``."""
    if isinstance(data, (bytes, bytearray)):
        if max_bytes is not None and len(data) > max_bytes:
            raise UntrustedJSONError(f"JSON larger than {max_bytes} bytes")
        try:
            text = bytes(data).decode(json.detect_encoding(data))
        except UnicodeDecodeError as exc:
            raise UntrustedJSONError("JSON is not valid text") from exc
    elif isinstance(data, str):
        text = data
        if max_bytes is not None and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
            raise UntrustedJSONError(f"JSON larger than {max_bytes} bytes")
    else:
        raise UntrustedJSONError("JSON must be text")
    if text.count("[") + text.count("{") > max_depth:  # only then can it be too deep
        _check_depth(text, max_depth)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise UntrustedJSONError(f"not JSON: {exc}") from exc


def _check_depth(text: str, max_depth: int) -> None:
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                raise UntrustedJSONError(f"JSON nested deeper than {max_depth} levels")
        elif token in "]}":
            depth -= 1
