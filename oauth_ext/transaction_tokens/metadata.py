"""AS metadata: token exchange among the grant types, when Txn-Tokens are on."""

from __future__ import annotations

from typing import Any

from oauth2_provider.settings import oauth2_settings

from ..conf import app_settings
from .services import GRANT_TYPE


def metadata(request: Any) -> dict[str, Any]:
    if not app_settings.TRANSACTION_TOKENS.ENABLED:
        return {}
    # DOT's list, with the grants its RFC 9700 switches turned off left out as DOT does.
    off = {
        "implicit": oauth2_settings.COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT,
        "password": oauth2_settings.COMPLIANT_BCP_RFC9700_PASSWORD_GRANT,
    }
    grants = [grant for grant in oauth2_settings.OAUTH2_GRANT_TYPES_SUPPORTED if not off.get(grant)]
    return {"grant_types_supported": list(dict.fromkeys([*grants, GRANT_TYPE]))}
