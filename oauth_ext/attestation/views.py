"""The challenge endpoint (-11 §6.3)."""

from __future__ import annotations

from django.http import JsonResponse

from ..conf import app_settings
from ..core.api import OAuthAPIView
from ..core.throttling import SettingRateThrottle
from ..dpop import nonces
from . import challenges


class ChallengeThrottle(SettingRateThrottle):
    scope, section = "oauth_ext_attestation_challenge", "ATTESTATION"


class ChallengeView(OAuthAPIView):
    """``POST`` → ``200 {"attestation_challenge": ...}``, never cached, with a fresh
    DPoP nonce when this server requires them (combined mode's freshness, §5.2)."""

    throttle_classes = [ChallengeThrottle]

    def post(self, request):
        response = JsonResponse({"attestation_challenge": challenges.issue()})
        response["Cache-Control"] = "no-store"
        if app_settings.DPOP.ENABLED and app_settings.DPOP.REQUIRE_NONCE:
            response["DPoP-Nonce"] = nonces.issue()
        return response
