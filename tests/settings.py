"""Test settings: the example project on PostgreSQL and Redis, for real."""

import json
import os
import uuid

from example_project.settings import *  # noqa: F401,F403
from example_project.settings import OAUTH2_PROVIDER, OAUTH_EXT
from oauth_ext.core import jose

DEBUG = False
ISSUER = "https://as.example.com"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("OAUTH_EXT_TEST_DB", "test"),
        "USER": os.environ.get("PGUSER", "postgres"),
        "HOST": os.environ.get("PGHOST", "127.0.0.1"),
        "PORT": os.environ.get("PGPORT", "5432"),
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        # A fresh namespace per run: single-use values of an earlier run never collide.
        "KEY_PREFIX": f"oauth_ext_test_{uuid.uuid4().hex}",
    },
    # The client cache on the same Redis under a prefix of its own, emptied before each
    # test (tests/conftest.py): clients cached by a test whose rows were rolled back must
    # not be found by the next one.
    "clients": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "KEY_PREFIX": f"oauth_ext_test_clients_{uuid.uuid4().hex}",
    },
}

OAUTH2_PROVIDER = {**OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": ISSUER}
# A key per run, or the one a test hands to the worker processes it starts.
_SIGNING_KEY = os.environ.get("OAUTH_EXT_TEST_SIGNING_KEY")
OAUTH_EXT = {
    **OAUTH_EXT,
    "ISSUER": ISSUER,
    # The suite registers hundreds of instances from one address; the throttle has its own test.
    "REGISTRATION": {"THROTTLE_RATE": "100000/min"},
    # Open to any resource; the consent tests switch the example project's known ones on.
    "RESOURCES": {"KNOWN": {}},
    "CLIENT_CACHE": {"CACHE": "clients"},
    "KEYS": {"SIGNING": [json.loads(_SIGNING_KEY) if _SIGNING_KEY else jose.private_key_to_jwk(jose.generate_private_key("ES256"))]},
}
# In-process tests run tasks inline; the worker test starts a real worker on Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/1")
CELERY_TASK_ALWAYS_EAGER = os.environ.get("OAUTH_EXT_CELERY_EAGER", "1") == "1"
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "oauth_ext_test")
# Set for a worker a test starts when the test reads the tasks' results.
CELERY_RESULT_BACKEND = os.environ.get("OAUTH_EXT_CELERY_RESULT_BACKEND") or None
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
