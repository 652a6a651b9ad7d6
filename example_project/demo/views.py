"""The example site's own API, protected by DPoP-bound, PoP or bearer access tokens."""

import json

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from oauth2_provider.contrib.rest_framework import TokenHasScope
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from oauth_ext import openapi  # noqa: F401  (describes DPoPAuthentication)
from oauth_ext.contrib.rest_framework import DPoPAuthentication
from oauth_ext.resource_server.challenges import require_authorization_details
from oauth_ext.resource_server.decorators import token_required
from oauth_ext.transaction_tokens.resource import txn_token_required


def describe(info) -> dict:
    return {
        "client_id": info.client_id,
        "sub": info.claims.get("sub"),
        "scope": sorted(info.scopes),
        "token_type": info.token_type,
    }


@extend_schema_view(get=extend_schema(operation_id="me", responses={200: inline_serializer("Me", {
    "client_id": serializers.CharField(), "sub": serializers.CharField(allow_null=True),
    "scope": serializers.ListField(child=serializers.CharField()), "token_type": serializers.CharField()})}))
class MeView(APIView):
    """DRF: ``GET /api/me/`` with scope ``read``."""

    authentication_classes = [DPoPAuthentication]
    permission_classes = [TokenHasScope]
    required_scopes = ["read"]

    def get(self, request):
        return Response(describe(request.auth))


@token_required(["read"])
def ping(request):
    """Plain Django: ``GET /api/ping/`` with scope ``read``."""
    return JsonResponse(describe(request.oauth_token))


@txn_token_required(settings.TRUST_DOMAIN)
def internal_orders(request):
    """A service inside the trust domain: ``GET /api/internal/orders/`` with a ``Txn-Token``."""
    claims = request.txn_token
    return JsonResponse({key: claims.get(key) for key in ("sub", "scope", "txn", "req_wl", "tctx", "rctx")})


@csrf_exempt
@require_POST
@token_required()
def payments(request):
    """``POST /api/payments/`` {"amount", "currency", "iban"}: step-up authorization.

    A payment goes out only with a token whose ``authorization_details`` name it;
    otherwise the answer is the step-up challenge of ``RESOURCE_SERVER.STEP_UP_CHALLENGE``
    with the details to ask the authorization server for.
    """
    try:
        order = json.loads(request.body)
        detail = {
            "type": "payment_initiation",
            "actions": ["initiate"],
            "instructedAmount": {"currency": str(order["currency"]), "amount": str(order["amount"])},
            "creditorAccount": {"iban": str(order["iban"])},
        }
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "invalid_request", "error_description": "amount, currency and iban are required"}, status=400)
    require_authorization_details(request.oauth_token, [detail])
    return JsonResponse({"status": "accepted", "payment": detail}, status=201)
