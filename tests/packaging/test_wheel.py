"""The wheel, outside the repository: built, installed into a fresh virtualenv without
Celery, wired into a minimal Django site exactly as README's "Add to an existing DOT
site" says, migrated on its own PostgreSQL database with Redis as cache, served by
gunicorn, and used by a non-staff user in Chromium through sign-in and consent; the
client exchanges the code with private_key_jwt and PKCE.

Nothing of the repository is on the site's path: a template or static file missing
from the package, or an undeclared dependency, fails here."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests

from oauth_ext.client_sdk import AssertionSigner, PrivateKeyJWTAuth

from ..docs.snippets import in_section
from ..services import free_port, fresh_database, serving

ROOT = Path(__file__).resolve().parents[2]
SECTION = "Add to an existing DOT site"

BASE_SETTINGS = '''"""A Django site with DOT, as startproject and DOT's tutorial leave it."""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "wheel-site-{secret}"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles", "oauth2_provider",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "mysite.urls"
WSGI_APPLICATION = "mysite.wsgi.application"
TEMPLATES = [{{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [BASE_DIR / "templates"], "APP_DIRS": True,
    "OPTIONS": {{"context_processors": [
        "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]}},
}}]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": "{db}", "USER": "{db_user}",
                         "HOST": "{db_host}", "PORT": "{db_port}"}}}}
CACHES = {{"default": {{"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "{redis}",
                      "KEY_PREFIX": "{prefix}"}}}}
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "collected-static"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
OAUTH2_PROVIDER = {{"PKCE_REQUIRED": True, "SCOPES": {{"read": "Read your data", "write": "Change your data"}}}}

# ---- README, "Add to an existing DOT site" ----
{readme}
# ---- this site's own values ----
OAUTH_EXT["ISSUER"] = "{issuer}"
OAUTH_EXT["KEYS"] = {{"SIGNING": [str(BASE_DIR / "keys" / "as-signing-key.private.jwk.json")]}}
'''

BASE_URLS = '''# ---- README, "Add to an existing DOT site" ----
{readme}
# ---- the site's own pages ----
from django.contrib import admin  # noqa: E402

urlpatterns += [path("admin/", admin.site.urls), path("accounts/", include("django.contrib.auth.urls"))]
'''

LOGIN_TEMPLATE = '''<!doctype html>
<html lang="en"><head><title>Sign in</title></head>
<body><main><h1>Sign in</h1>
<form method="post">{% csrf_token %}
  <label for="id_username">Username</label> {{ form.username }}
  <label for="id_password">Password</label> {{ form.password }}
  <input type="hidden" name="next" value="{{ next }}">
  <button type="submit">Sign in</button>
</form></main></body></html>
'''

MANAGE = '''import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
from django.core.management import execute_from_command_line
execute_from_command_line(sys.argv)
'''

WSGI = '''import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
'''

# Run inside the site: every template and static file the installed package names
# must resolve from the installed package and the site's other apps alone.
ASSET_CHECK = r'''
import json, re, pathlib, django
django.setup()
import oauth_ext
from django.contrib.staticfiles import finders
from django.template.loader import get_template
package = pathlib.Path(oauth_ext.__file__).parent
templates, statics = set(), set()
for path in package.rglob("*"):
    if path.suffix not in (".py", ".html"):
        continue
    text = path.read_text()
    templates |= set(re.findall(r"""["']((?:admin/)?oauth_ext/[\w/.-]+\.html)["']""", text))
    templates |= set(re.findall(r"""{%\s*(?:extends|include)\s+["']([^"']+)["']""", text))
    statics |= set(re.findall(r"""{%\s*static\s+["']([^"']+)["']""", text))
    statics |= set(re.findall(r"""["'](oauth_ext/[\w/.-]+\.(?:css|js|png|svg|ico|woff2?))["']""", text))
for path in (package / "templates").rglob("*.html"):
    templates.add(str(path.relative_to(package / "templates")))
missing = []
for name in sorted(templates):
    try:
        origin = get_template(name).origin.name
    except Exception as exc:
        missing.append(f"template {name}: {exc!r}")
    else:
        if "/oauth_ext/" in name or name.startswith("oauth_ext/"):
            assert origin.startswith(str(package)), (name, origin)
missing += [f"static {name}" for name in sorted(statics) if not finders.find(name)]
print(json.dumps({"package": str(package), "templates": sorted(templates), "statics": sorted(statics), "missing": missing}))
'''


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str], timeout: int = 600) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}",
                    pytrace=False)
    return done.stdout


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """``pip wheel --no-deps`` with the declared build backend, of a clean copy of the
    sources (an in-tree ``build/`` keeps files deleted since, and would hide them)."""
    source = tmp_path_factory.mktemp("source") / "oauth_ext"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "dist", "var", "*.egg-info",
                                                                "__pycache__", "node_modules", "keys"))
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)], cwd=source,
         env=dict(os.environ))
    (built,) = out.glob("oauth_ext-*.whl")
    return built


@pytest.fixture(scope="session")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtualenv with the wheel and what the README's site needs, no Celery."""
    root = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", str(root)], cwd=root, env=dict(os.environ))
    _run([str(root / "bin" / "pip"), "install", "-q", "--find-links", str(wheel.parent), "oauth-ext[redis,postgres]",
          "gunicorn"], cwd=root, env=dict(os.environ))
    return root


def _site_env(venv: Path) -> dict[str, str]:
    """Only the virtualenv: no PYTHONPATH, nothing of the repository or its .venv."""
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR", "PGPASSWORD")
    return {**{k: os.environ[k] for k in keep if k in os.environ}, "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "mysite.settings", "PYTHONDONTWRITEBYTECODE": "1"}


@dataclass
class Site:
    url: str
    issuer: str
    root: Path
    client_key: dict
    redirect_uri: str


@pytest.fixture(scope="session")
def site(venv, tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    issuer = f"{url}/o"
    db = fresh_database("wheel_site")
    blocks = {s.code.splitlines()[0]: s.code for s in in_section(SECTION) if s.kind == "python"}
    settings_block = next((code for first, code in blocks.items() if first.startswith("# settings.py")), None)
    urls_block = next((code for first, code in blocks.items() if first.startswith("# urls.py")), None)
    assert settings_block and urls_block, f"README's {SECTION!r} lost its settings.py or urls.py block"
    (root / "mysite").mkdir()
    (root / "mysite" / "__init__.py").write_text("")
    (root / "mysite" / "settings.py").write_text(BASE_SETTINGS.format(
        secret=secrets.token_hex(16), db=db.name, db_user=db.user, db_host=db.host, db_port=db.port,
        redis=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), prefix=f"wheel_{uuid.uuid4().hex}",
        readme=settings_block, issuer=issuer))
    (root / "mysite" / "urls.py").write_text(BASE_URLS.format(readme=urls_block))
    (root / "mysite" / "wsgi.py").write_text(WSGI)
    (root / "templates" / "registration").mkdir(parents=True)
    (root / "templates" / "registration" / "login.html").write_text(LOGIN_TEMPLATE)
    (root / "manage.py").write_text(MANAGE)
    env = _site_env(venv)
    python = str(venv / "bin" / "python")
    manage = [python, "manage.py"]
    _run(manage + ["oauth_ext_keygen", "--name", "as-signing-key", "--out", "keys/"], cwd=root, env=env)
    _run(manage + ["migrate", "--no-input", "-v", "0"], cwd=root, env=env)
    _run(manage + ["check", "--fail-level", "ERROR"], cwd=root, env=env)
    _run(manage + ["collectstatic", "--no-input", "-v", "0"], cwd=root, env=env)
    (root / "check_assets.py").write_text(ASSET_CHECK)
    assets = json.loads(_run([python, "check_assets.py"], cwd=root, env=env))
    assert str(ROOT) not in assets["package"] and "site-packages" in assets["package"], assets["package"]
    assert not assets["missing"], assets["missing"]
    assert "oauth_ext/consent.html" in assets["templates"] and "oauth_ext/admin.css" in assets["statics"]
    _run(manage + ["shell", "-c", "from django.contrib.auth.models import User; User.objects.create_user('alice', password='pw')"],
         cwd=root, env=env)
    redirect_uri = f"{url}/callback"
    _run(manage + ["oauth_ext_keygen", "--name", "webapp", "--out", "keys/"], cwd=root, env=env)
    _run(manage + ["oauth_ext_create_client", "webapp", "--jwks", "keys/webapp.jwks.json", "--grant", "authorization-code",
                   "--redirect-uri", redirect_uri, "--scope", "read"], cwd=root, env=env)
    with serving([str(venv / "bin" / "gunicorn"), "mysite.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"], cwd=root, env=env,
                 ready_url=f"{issuer}/.well-known/oauth-authorization-server", what="gunicorn serving the site"):
        yield Site(url, issuer, root, json.loads((root / "keys" / "webapp.private.jwk.json").read_text()), redirect_uri)


def test_the_wheel_ships_templates_static_files_license_and_declared_dependencies(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    shipped = {str(p.relative_to(ROOT)) for folder in ("templates", "static")
               for p in (ROOT / "oauth_ext" / folder).rglob("*") if p.is_file()}
    assert shipped and shipped <= names, shipped - names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: BSD-3-Clause" in metadata
    requires = re.findall(r"^Requires-Dist: (.+)$", metadata, re.M)
    base = {re.split(r"[\s<>=!~\[;(]", r, maxsplit=1)[0].lower() for r in requires if "extra ==" not in r}
    assert {"oauthlib", "jwcrypto", "django-oauth-toolkit", "djangorestframework"} <= base
    assert not {"celery", "redis"} & base
    assert any(r.startswith("celery") and 'extra == "celery"' in r for r in requires)


def test_the_installed_site_runs_without_celery(venv, site):
    done = subprocess.run([str(venv / "bin" / "python"), "-c", "import celery"], capture_output=True, text=True,
                          env=_site_env(venv), cwd=site.root)
    assert done.returncode == 1 and "No module named 'celery'" in done.stderr


def test_a_non_staff_user_signs_in_consents_and_the_client_gets_a_token(site, browser):
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    authorize = f"{site.issuer}/authorize/?" + urlencode({
        "response_type": "code", "client_id": "webapp", "redirect_uri": site.redirect_uri, "scope": "read", "state": "st-1",
        "code_challenge": challenge, "code_challenge_method": "S256"})
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(authorize)
        assert urlsplit(page.url).path == "/accounts/login/", page.url  # the site's own sign-in page
        page.fill("#id_username", "alice")
        page.fill("#id_password", "pw")
        page.click("button[type=submit]")
        page.wait_for_selector("form#authorizationForm")
        assert urlsplit(page.url).path == "/o/authorize/", page.url
        with page.expect_request(lambda r: r.url.startswith(site.redirect_uri)) as redirected:
            page.click("input[name=allow]")
        callback = redirected.value.url
    finally:
        context.close()
    query = parse_qs(urlsplit(callback).query)
    assert query["state"] == ["st-1"] and "error" not in query, callback
    signer = AssertionSigner(site.client_key, client_id="webapp", audience=site.issuer)
    response = requests.post(f"{site.issuer}/token/", auth=PrivateKeyJWTAuth(signer), timeout=30, data={
        "grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": site.redirect_uri,
        "code_verifier": verifier})
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer" and tokens["scope"] == "read" and tokens["refresh_token"]
    jwks = requests.get(f"{site.issuer}/jwks/", timeout=30).json()
    header = jwt.get_unverified_header(tokens["access_token"])
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == header["kid"]))
    claims = jwt.decode(tokens["access_token"], key=key, algorithms=[header["alg"]], options={"verify_aud": False},
                        issuer=site.issuer)
    assert claims["client_id"] == "webapp" and claims["scope"] == "read"
    introspected = requests.post(f"{site.issuer}/introspect/", data={"token": tokens["access_token"]},
                                 auth=PrivateKeyJWTAuth(signer), timeout=30)
    assert introspected.status_code == 200, introspected.text
    body = introspected.json()
    assert body["active"] is True and body["username"] == "alice" and body["scope"] == "read", body
    # Revocation works without Celery: the status list is rebuilt inline.
    revoked = requests.post(f"{site.issuer}/revoke_token/", data={"token": tokens["access_token"]},
                            auth=PrivateKeyJWTAuth(signer), timeout=30)
    assert revoked.status_code == 200, revoked.text
    after = requests.post(f"{site.issuer}/introspect/", data={"token": tokens["access_token"]},
                          auth=PrivateKeyJWTAuth(signer), timeout=30)
    assert after.status_code == 200 and after.json() == {"active": False}
    entry = claims["status"]["status_list"]
    served = requests.get(entry["uri"], timeout=30)
    assert served.status_code == 200, served.text
    status_list = jwt.decode(served.text, key=key, algorithms=[header["alg"]], options={"verify_aud": False})["status_list"]
    bits = zlib.decompress(base64.urlsafe_b64decode(status_list["lst"] + "=" * (-len(status_list["lst"]) % 4)))
    per_byte = 8 // status_list["bits"]
    value = (bits[entry["idx"] // per_byte] >> (entry["idx"] % per_byte * status_list["bits"])) & ((1 << status_list["bits"]) - 1)
    assert value == 1  # INVALID: the list was rebuilt inline, without Celery
