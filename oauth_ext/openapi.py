"""OpenAPI description of oauth_ext's endpoints, for drf-spectacular.

drf-spectacular finds a site's DRF views by itself; ours are described here by
hand, because their bodies are OAuth forms and JSON documents, not serializers, and
because the OAuth endpoints DOT serves as plain Django views (token, revocation,
introspection) are the ones most worth describing and fuzzing. A site enables it with

    SPECTACULAR_SETTINGS = {
        "PREPROCESSING_HOOKS": ["oauth_ext.openapi.exclude_described"],
        "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "oauth_ext.openapi.add_endpoints"],
    }

Paths follow where the site includes ``oauth_ext.urls`` and DOT's urls. The browser
endpoint (``authorize/``) is left out: it answers with pages and redirects; so is the
native authorization endpoint (``authorize/native/``), a draft feature off by default.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from .app2app.views import NativeAuthorizationView
from .attestation.views import ChallengeView
from .client_instances.views import DeviceListView, DeviceRevokeView
from .consent.views import ConsentListView, ConsentWithdrawView
from .par.views import PushedAuthorizationRequestView
from .registration.views import RegistrationManagementView, RegistrationView

DESCRIBED = (
    ChallengeView, ConsentListView, ConsentWithdrawView, DeviceListView, DeviceRevokeView,
    PushedAuthorizationRequestView, RegistrationManagementView, RegistrationView, NativeAuthorizationView,
)

ERROR = {"$ref": "#/components/schemas/OAuthError"}
STRING = {"type": "string"}
STRINGS = {"type": "array", "items": STRING}
FORM = "application/x-www-form-urlencoded"

CLIENT_AUTH = {
    "client_id": STRING, "client_secret": STRING,
    "client_assertion_type": {"type": "string", "enum": ["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"]},
    "client_assertion": STRING,
}
AUTHORIZATION_PARAMETERS = {
    "response_type": {"type": "string", "enum": ["code"]}, "redirect_uri": STRING, "scope": STRING, "state": STRING,
    "code_challenge": STRING, "code_challenge_method": {"type": "string", "enum": ["S256"]},
    "resource": STRING, "dpop_jkt": STRING, "authorization_details": STRING,
}
DPOP_HEADER = {"name": "DPoP", "in": "header", "required": False, "schema": STRING, "description": "A DPoP proof (RFC 9449)."}
ATTESTATION_HEADERS = [
    {"name": "OAuth-Client-Attestation", "in": "header", "required": False, "schema": STRING,
     "description": "Client attestation JWT (draft-ietf-oauth-attestation-based-client-auth-11)."},
    {"name": "OAuth-Client-Attestation-PoP", "in": "header", "required": False, "schema": STRING,
     "description": "Its proof of possession."},
]

SCHEMAS: dict[str, Any] = {
    "OAuthError": {
        "type": "object", "required": ["error"],
        "properties": {"error": STRING, "error_description": STRING, "error_uri": STRING},
        "description": "RFC 6749 §5.2 error response.",
    },
    "ClientMetadata": {
        "type": "object", "additionalProperties": True,
        "properties": {
            "software_statement": STRING, "redirect_uris": STRINGS, "grant_types": STRINGS, "response_types": STRINGS,
            "token_endpoint_auth_method": STRING, "token_endpoint_auth_signing_alg": STRING,
            "jwks": {"type": "object", "properties": {"keys": {"type": "array", "items": {"type": "object"}}}},
            "jwks_uri": STRING, "client_name": STRING, "device_label": STRING, "software_id": STRING,
            "software_version": STRING, "scope": STRING,
        },
        "description": "RFC 7591 §2 client metadata.",
    },
    "ClientInformation": {
        "allOf": [{"$ref": "#/components/schemas/ClientMetadata"}, {
            "type": "object", "required": ["client_id"],
            "properties": {"client_id": STRING, "client_id_issued_at": {"type": "integer"}, "client_secret": STRING,
                           "registration_access_token": STRING, "registration_client_uri": STRING},
        }],
        "description": "RFC 7591 §3.2.1 client information response.",
    },
    "Consent": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "client_name": STRING, "scopes": STRINGS,
                       "resources": {"type": "array", "items": {"type": "object", "properties": {"uri": STRING, "name": STRING}}},
                       "authorization_details": {"type": "array", "items": {"type": "object"}},
                       "granted_at": {"type": "string", "format": "date-time"},
                       "expires_at": {"type": "string", "format": "date-time", "nullable": True},
                       "revoked_at": {"type": "string", "format": "date-time", "nullable": True}, "active": {"type": "boolean"}},
    },
    "Device": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "client_id": STRING, "client_name": STRING, "software_id": STRING,
                       "software_version": STRING, "device_label": STRING, "platform": STRING,
                       "created_at": {"type": "string", "format": "date-time"},
                       "last_used_at": {"type": "string", "format": "date-time", "nullable": True}, "active": {"type": "boolean"}},
    },
}


class DPoPAuthenticationScheme(OpenApiAuthenticationExtension):
    """``contrib.rest_framework.DPoPAuthentication`` on a site's own DRF views."""

    target_class = "oauth_ext.contrib.rest_framework.authentication.DPoPAuthentication"
    name = "oauthAccessToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "An access token: Bearer, or DPoP with a DPoP proof header (RFC 9449 §7), or PoP."}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _form(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, **({"required": required} if required else {})}
    return {"required": True, "content": {FORM: {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): _json(ERROR, "OAuth error") for code in codes}


def _operations() -> dict[str, tuple[tuple[str, ...], dict[str, Any]]]:
    """Path items keyed by URL name, with the names of their path parameters."""
    token_form = {"grant_type": {"type": "string", "enum": ["authorization_code", "refresh_token", "client_credentials",
                                                            "urn:ietf:params:oauth:grant-type:token-exchange"]},
                  "code": STRING, "redirect_uri": STRING, "code_verifier": STRING, "refresh_token": STRING, "scope": STRING,
                  "resource": STRING, "token_type": STRING, "req_cnf": STRING, "authorization_details": STRING,
                  "tmb": STRING, "requested_token_type": STRING, "audience": STRING, "subject_token": STRING,
                  "subject_token_type": STRING, "request_context": STRING, "request_details": STRING, **CLIENT_AUTH}
    token_response = {"type": "object", "required": ["access_token", "token_type"],
                      "properties": {"access_token": STRING, "token_type": STRING, "expires_in": {"type": "integer"},
                                     "refresh_token": STRING, "scope": STRING, "issued_token_type": STRING,
                                     "refresh_token_timeout": {"type": "integer"}, "authorization_expires_in": {"type": "integer"},
                                     "cnf": {"type": "object"}, "rs_cnf": {"type": "object"},
                                     "authorization_details": {"type": "array", "items": {"type": "object"}}}}
    registration_token = [{"name": "Authorization", "in": "header", "required": True, "schema": STRING,
                           "description": "Bearer registration access token (RFC 7592 §2)."}]
    management = [{"name": "client_id", "in": "path", "required": True, "schema": STRING}, *registration_token]
    return {
        "oauth2_provider:token": ((), {"post": {
            "operationId": "token", "tags": ["oauth"],
            "summary": "Token endpoint (RFC 6749 §3.2, RFC 7523, RFC 9449, RFC 8693 for Txn-Tokens)",
            "parameters": [DPOP_HEADER, *ATTESTATION_HEADERS], "requestBody": _form(token_form, ["grant_type"]),
            "responses": {"200": _json(token_response, "Tokens"), **_errors(400, 401)}}}),
        "oauth2_provider:revoke-token": ((), {"post": {
            "operationId": "revoke", "tags": ["oauth"], "summary": "Token revocation (RFC 7009)",
            "requestBody": _form({"token": STRING, "token_type_hint": STRING, **CLIENT_AUTH}, ["token"]),
            "responses": {"200": {"description": "Revoked, or unknown"}, **_errors(400, 401)}}}),
        "oauth_ext:introspect": ((), {"post": {
            "operationId": "introspect", "tags": ["oauth"], "summary": "Token introspection (RFC 7662)",
            "requestBody": _form({"token": STRING, "token_type_hint": STRING, **CLIENT_AUTH}, ["token"]),
            "responses": {"200": _json({"type": "object", "required": ["active"], "properties": {"active": {"type": "boolean"}}},
                                       "Token state"), **_errors(400, 401)}}}),
        "oauth_ext:par": ((), {"post": {
            "operationId": "par", "tags": ["oauth"], "summary": "Pushed authorization request (RFC 9126)",
            "parameters": [DPOP_HEADER], "requestBody": _form({**AUTHORIZATION_PARAMETERS, **CLIENT_AUTH}, []),
            "responses": {"201": _json({"type": "object", "required": ["request_uri", "expires_in"],
                                        "properties": {"request_uri": STRING, "expires_in": {"type": "integer"}}}, "Pushed"),
                          **_errors(400, 401, 413)}}}),
        "oauth_ext:registration": ((), {"post": {
            "operationId": "register", "tags": ["registration"], "summary": "Dynamic client registration (RFC 7591)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClientMetadata"}}}},
            "responses": {"201": _json({"$ref": "#/components/schemas/ClientInformation"}, "Registered"), **_errors(400, 401)}}}),
        "oauth_ext:registration-management": (("client_id",), {
            "get": {"parameters": management, "operationId": "registration_read", "tags": ["registration"], "summary": "Read a registration (RFC 7592)",
                    "responses": {"200": _json({"$ref": "#/components/schemas/ClientInformation"}, "Current"), **_errors(401)}},
            "put": {"parameters": management, "operationId": "registration_replace", "tags": ["registration"], "summary": "Replace a registration (RFC 7592)",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClientMetadata"}}}},
                    "responses": {"200": _json({"$ref": "#/components/schemas/ClientInformation"}, "Replaced"), **_errors(400, 401)}},
            "delete": {"parameters": management, "operationId": "registration_delete", "tags": ["registration"], "summary": "Delete a registration (RFC 7592)",
                       "responses": {"204": {"description": "Deleted"}, **_errors(401)}},
        }),
        "oauth_ext:jwks": ((), {"get": {
            "operationId": "jwks", "tags": ["discovery"], "summary": "The server's public keys (RFC 7517)",
            "responses": {"200": _json({"type": "object", "required": ["keys"], "properties": {"keys": {"type": "array", "items": {"type": "object"}}}}, "JWKS")}}}),
        "oauth_ext:oauth-server-metadata": ((), {"get": {
            "operationId": "server_metadata", "tags": ["discovery"], "summary": "Authorization server metadata (RFC 8414)",
            "responses": {"200": _json({"type": "object", "required": ["issuer"], "properties": {"issuer": STRING}}, "Metadata")}}}),
        "oauth_ext:status-list-aggregation": ((), {"get": {
            "operationId": "status_list_aggregation", "tags": ["status"], "summary": "Status list aggregation (draft-ietf-oauth-status-list-21 §9)",
            "responses": {"200": _json({"type": "object", "properties": {"status_lists": STRINGS}}, "Lists")}}}),
        "oauth_ext:status-list": (("pk",), {"get": {
            "operationId": "status_list", "tags": ["status"], "summary": "A Status List Token (draft-ietf-oauth-status-list-21 §8)",
            "parameters": [{"name": "pk", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "Status List Token", "content": {"application/statuslist+jwt": {"schema": STRING}}},
                          "404": {"description": "No such list"}, "501": _json(ERROR, "Historical resolution is not supported")}}}),
        "oauth_ext:attestation-challenge": ((), {"post": {
            "operationId": "attestation_challenge", "tags": ["oauth"],
            "summary": "A fresh attestation challenge (draft-ietf-oauth-attestation-based-client-auth-11 §6.3)",
            "responses": {"200": _json({"type": "object", "required": ["attestation_challenge"],
                                        "properties": {"attestation_challenge": STRING}}, "Challenge"), **_errors(429)}}}),
        "oauth_ext:consents": ((), {"get": {
            "operationId": "consents", "tags": ["consents"], "summary": "The signed-in user's consents",
            "security": [{"cookieAuth": []}],
            "responses": {"200": _json({"type": "array", "items": {"$ref": "#/components/schemas/Consent"}}, "Consents"),
                          "403": {"description": "Not signed in"}}}}),
        "oauth_ext:consent-withdraw": (("pk",), {"post": {
            "operationId": "consent_withdraw", "tags": ["consents"], "summary": "Withdraw one of the signed-in user's consents",
            "security": [{"cookieAuth": []}],
            "parameters": [{"name": "pk", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": _json({"$ref": "#/components/schemas/Consent"}, "Withdrawn"),
                          "403": {"description": "Not signed in"}, "404": {"description": "Not this user's consent"}}}}),
        "oauth_ext:devices": ((), {"get": {
            "operationId": "devices", "tags": ["devices"], "summary": "The signed-in user's devices",
            "security": [{"cookieAuth": []}],
            "responses": {"200": _json({"type": "array", "items": {"$ref": "#/components/schemas/Device"}}, "Devices"),
                          "403": {"description": "Not signed in"}}}}),
        "oauth_ext:device-revoke": (("pk",), {"post": {
            "operationId": "device_revoke", "tags": ["devices"], "summary": "Revoke one of the signed-in user's devices",
            "security": [{"cookieAuth": []}],
            "parameters": [{"name": "pk", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": _json({"$ref": "#/components/schemas/Device"}, "Revoked"),
                          "403": {"description": "Not signed in"}, "404": {"description": "Not this user's device"}}}}),
    }


# Stand-ins reversed into a URL, then replaced by the OpenAPI template.
PLACEHOLDERS = {"pk": "987654321", "client_id": "CLIENTIDPLACEHOLDER"}


def _path(name: str, params: tuple[str, ...]) -> str | None:
    try:
        url = reverse(name, kwargs={p: PLACEHOLDERS[p] for p in params})
    except NoReverseMatch:
        return None  # not routed on this site
    for param in params:
        url = url.replace(PLACEHOLDERS[param], f"{{{param}}}")
    return url


def exclude_described(endpoints: list[tuple]) -> list[tuple]:
    """drf-spectacular preprocessing hook: our DRF views are described by hand below."""
    return [e for e in endpoints if getattr(e[3], "cls", None) not in DESCRIBED]


def add_endpoints(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: our endpoints, at the site's paths."""
    paths = result.setdefault("paths", {})
    for name, (params, item) in _operations().items():
        path = _path(name, params)
        if path is not None:
            paths[path] = item
    result["paths"] = dict(sorted(paths.items()))
    components = result.setdefault("components", {})
    components.setdefault("schemas", {}).update(SCHEMAS)
    components.setdefault("securitySchemes", {})["cookieAuth"] = {"type": "apiKey", "in": "cookie", "name": "sessionid"}
    return result
