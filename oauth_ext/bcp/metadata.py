"""AS metadata (RFC 8414) for what ``oauth_ext.bcp`` enforces."""

from typing import Any


def metadata(request: Any) -> dict[str, Any]:
    return {
        "code_challenge_methods_supported": ["S256"],  # RFC 9700 §2.1.1
        "authorization_response_iss_parameter_supported": True,  # RFC 9207 §3
    }
