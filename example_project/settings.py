"""Example site: DOT + oauth_ext.

Runs on SQLite with an in-process cache by default (the quick-start demo). Set
``DATABASE_URL`` (postgres://...) and ``REDIS_URL`` (redis://...) for the real
stack, as the tests and the benchmark do.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OAUTH_EXT_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-project-insecure-key-change-me-0123456789abcdef")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "oauth2_provider",
    "oauth_ext",
    "example_project.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "example_project.urls"
WSGI_APPLICATION = "example_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str | None) -> dict:
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "demo.sqlite3"}
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    }


DATABASES = {"default": _database(os.environ.get("DATABASE_URL"))}

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "example"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = []
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/o/devices/"

ISSUER = os.environ.get("OAUTH_EXT_ISSUER", "http://127.0.0.1:8000/o")

OAUTH2_PROVIDER = {
    "OAUTH2_VALIDATOR_CLASS": "oauth_ext.validators.OAuth2Validator",
    "OAUTH2_BACKEND_CLASS": "oauth_ext.backends.OAuthLibCore",
    "OAUTH2_SERVER_CLASS": "oauth_ext.server.Server",
    "ACCESS_TOKEN_GENERATOR": "oauth_ext.tokens.generators.signed_token_generator",
    "REFRESH_TOKEN_GENERATOR": "oauth_ext.tokens.generators.opaque_token_generator",
    "OIDC_ISS_ENDPOINT": ISSUER,
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "read": "Read your data",
        "write": "Change your data",
        "introspection": "Introspect tokens",
        "registration": "Register client instances",
        "mail": "Read and organise your mail",
        "mail.send": "Send mail as you",
        "contacts": "See and change your address book",
        "calendar": "See and change your calendars",
        # draft-ietf-mailmaint-oauth-public-06: the profile's scopes, one per kind of service.
        "urn:ietf:params:oauth:scope:mail": "Read, organise and send your mail",
        "urn:ietf:params:oauth:scope:contacts": "See and change your address book",
        "urn:ietf:params:oauth:scope:calendars": "See and change your calendars",
    },
    # What a client gets when it registers or asks for no scope; introspection and
    # registration are given only to clients that register them.
    "DEFAULT_SCOPES": ["read"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post", "none"],
    # RFC 9700 (OAuth 2.0 Security BCP) through DOT's gates: no implicit grant or
    # response_type=token, no password grant, no PKCE "plain", no access token in a
    # query string, RFC 9207 ``iss`` in authorization responses, and a replayed
    # refresh token revokes its whole family (§4.14.2).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
}

# DOT's W008 (http redirect URIs allowed): kept on purpose, native apps redirect to
# http loopback addresses (RFC 8252 §7.3, which RFC 9700 §2.1 keeps); every other
# http redirect URI is refused at registration.
SILENCED_SYSTEM_CHECKS = ["oauth2_provider.W008"]

TRUST_DOMAIN = "trust-domain.example"
# A mail app's services on one authorization server: one consent, a token per service.
# Each takes its own scope, or the open-public-client profile's scope for its kind.
PROFILE_SCOPE = "urn:ietf:params:oauth:scope:"
MAIL_RESOURCES = {
    "imap://mail.example.com": {"name": "Your mailbox (IMAP)", "scopes": ["mail", PROFILE_SCOPE + "mail"]},
    "smtp://mail.example.com": {"name": "Sending mail (SMTP)", "scopes": ["mail.send", PROFILE_SCOPE + "mail"]},
    "https://dav.example.com/carddav": {"name": "Your contacts (CardDAV)", "scopes": ["contacts", PROFILE_SCOPE + "contacts"]},
    "https://dav.example.com/caldav": {"name": "Your calendars (CalDAV)", "scopes": ["calendar", PROFILE_SCOPE + "calendars"]},
}

OAUTH_EXT = {
    "ISSUER": ISSUER,
    "RESOURCES": {"KNOWN": MAIL_RESOURCES},
    # Mail clients nobody registered beforehand register themselves (open, rate-limited).
    "REGISTRATION": {"PUBLIC_CLIENTS": "open"},
    # RFC 9728: the site's own APIs describe themselves, and their 401s point there.
    "PROTECTED_RESOURCES": {"PATHS": {
        "/api/me/": {"resource_name": "Your account (DRF)", "scopes_supported": ["read"]},
        "/api/ping/": {"resource_name": "Ping", "scopes_supported": ["read"]},
    }},
    # RFC 9396: what the payment API (/api/payments/) asks for in its step-up challenge.
    "AUTHORIZATION_DETAILS": {"TYPES": {"payment_initiation": {
        "description": "Make a payment from your account",
        "fields": ["actions", "locations", "instructedAmount", "creditorName", "creditorAccount",
                   "remittanceInformationUnstructured"],
    }}},
    "CLIENT_AUTH": {
        "METHODS": [
            "oauth_ext.client_auth.private_key_jwt.PrivateKeyJWT",
            "oauth_ext.client_auth.client_secret_jwt.ClientSecretJWT",
            "oauth_ext.attestation.methods.AttestJWTClientAuth",
            "oauth_ext.attestation.methods.AttestJWTClientAuthDPoP",
            "oauth_ext.spiffe.methods.SpiffeJWT",
            "oauth_ext.spiffe.methods.SpiffeX509",
            "oauth_ext.mtls.methods.TLSClientAuth",
            "oauth_ext.mtls.methods.SelfSignedTLSClientAuth",
        ],
    },
    "KEYS": {"SIGNING": [os.environ.get("OAUTH_EXT_SIGNING_KEY", str(VAR_DIR / "as-signing-key.private.jwk.json"))]},
    # The demo service is a workload of the example trust domain: it may exchange an
    # access token for a Txn-Token that the internal API (/api/internal/) accepts.
    "TRANSACTION_TOKENS": {
        "ENABLED": True,
        "TRUST_DOMAINS": [{"AUDIENCE": TRUST_DOMAIN, "CLIENTS": ["demo-service"]}],
    },
}

# Celery on Redis when REDIS_URL is set; without a broker (the demo) tasks run inline.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", os.environ.get("REDIS_URL", ""))
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "oauth_ext")
# A task acknowledged late (status-list rebuilds) whose worker died is handed to another
# worker once this many seconds have passed since its delivery (Redis transport).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "600"))}
CELERY_BEAT_SCHEDULE = {
    "reissue-status-lists": {"task": "oauth_ext.status_list.reissue", "schedule": 600.0},
    "prune-client-instances": {"task": "oauth_ext.client_instances.prune", "schedule": 3600.0},
    "refresh-publisher-keys": {"task": "oauth_ext.software_statements.refresh_keys", "schedule": 3600.0},
    "refresh-attester-keys": {"task": "oauth_ext.attestation.refresh_keys", "schedule": 3600.0},
    "refresh-spiffe-bundles": {"task": "oauth_ext.spiffe.refresh_bundles", "schedule": 300.0},
    "prune-pushed-requests": {"task": "oauth_ext.par.prune", "schedule": 600.0},
    "expire-consents": {"task": "oauth_ext.consent.expire", "schedule": 600.0},
    "prune-stateless-tokens": {"task": "oauth_ext.stateless_tokens.prune", "schedule": 3600.0},
}

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "oauth_ext.contrib.rest_framework.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# The OpenAPI schema at /api/schema/ (committed as docs/openapi.yaml, checked for drift).
SPECTACULAR_SETTINGS = {
    "TITLE": "oauth_ext example authorization server",
    "DESCRIPTION": "OAuth endpoints of oauth_ext and DOT, and the example site's own API.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["oauth_ext.openapi.exclude_described"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "oauth_ext.openapi.add_endpoints"],
}

# Django logs unhandled errors (``django.request``, with their traceback) to the console
# only while DEBUG is on; "errors" keeps them on the console with DEBUG off too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "errors": {"class": "logging.StreamHandler", "filters": ["require_debug_false"], "level": "ERROR"},
    },
    "loggers": {
        "oauth_ext": {"handlers": ["console"], "level": os.environ.get("OAUTH_EXT_LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["errors"], "level": "ERROR"},
    },
}
