"""Every shell and Python block of the README runs as written, in order, against the
example project on a live server set up as ``make demo`` does (on PostgreSQL and
Redis here). Blocks run in a scratch folder holding the repository's ``manage.py`` and
``.venv``, as a reader's second shell in the repository would; the README's
``127.0.0.1:8000`` is the live server's address. A block opts out with
``<!-- not-run: reason -->`` on the line before its fence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from ..services import free_port, fresh_database, serving
from .snippets import snippets

ROOT = Path(__file__).resolve().parents[2]
DEMO_ADDRESS = "127.0.0.1:8000"

# Python blocks share one namespace, as in one interpreter session; Django is set up
# for the blocks that define views, as in the site they belong to.
HARNESS = r'''
import json, sys, traceback
import django
django.setup()
namespace = {"__name__": "__readme__"}
for block in json.load(open(sys.argv[1])):
    try:
        exec(compile(block["code"], block["where"], "exec"), namespace)
    except BaseException:
        print(f"FAILED {block['where']}:\n{block['code']}", file=sys.stderr)
        traceback.print_exc()
        sys.exit(1)
'''


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}", pytrace=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """``make demo``'s steps (key, migrate, demo_setup, runserver) in a scratch folder."""
    work = tmp_path_factory.mktemp("readme")
    (work / "manage.py").symlink_to(ROOT / "manage.py")
    (work / ".venv").symlink_to(ROOT / ".venv")
    (work / "docs").mkdir()
    port = free_port()
    db = fresh_database("readme")
    venv_bin = str(ROOT / ".venv" / "bin")
    path = ":".join(p for p in os.environ.get("PATH", "/usr/bin:/bin").split(":") if p != venv_bin)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "PYTHONPATH")},
        # The reader's shell: the virtualenv activated, in the repository.
        "PATH": f"{venv_bin}:{path}", "VIRTUAL_ENV": str(ROOT / ".venv"), "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "example_project.settings",
        "DATABASE_URL": db.url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), "CACHE_KEY_PREFIX": f"readme_{uuid.uuid4().hex}",
        "CELERY_BROKER_URL": "",  # no broker, as in the demo: tasks run inline
        "OAUTH_EXT_VAR_DIR": str(work / "var"), "OAUTH_EXT_ISSUER": f"http://127.0.0.1:{port}/o",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("OAUTH_EXT_SIGNING_KEY", None)
    python = sys.executable
    _run([python, "manage.py", "oauth_ext_keygen", "--out", "var", "--name", "as-signing-key", "--if-missing"], cwd=work, env=env)
    _run([python, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=work, env=env)
    _run([python, "manage.py", "demo_setup"], cwd=work, env=env)
    with serving([python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=work, env=env,
                 ready_url=f"http://127.0.0.1:{port}/o/.well-known/oauth-authorization-server", what="the example project"):
        yield work, env, f"127.0.0.1:{port}"


def test_blocks_are_found_with_their_language_line_and_opt_out():
    text = "# Title\n\n```sh\necho 1\n```\n## Part\n<!-- not-run: a reason -->\n```python\n# not a heading\nx = 1\n```\n```text\nGET /\n```\n"
    found = snippets(text)
    assert [(s.kind, s.line, s.section, s.not_run) for s in found] == [
        ("shell", 3, "Title", None), ("python", 8, "Part", "a reason"), (None, 12, "Part", None)]
    assert found[1].code == "# not a heading\nx = 1\n"


def test_every_shell_and_python_block_of_the_readme_runs(demo):
    work, env, address = demo
    blocks = [s for s in snippets() if s.kind]
    run = [s for s in blocks if not s.not_run]
    assert len(run) >= 5, f"only {len(run)} README blocks found to run"
    for snippet in (s for s in run if s.kind == "shell"):
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", snippet.code.replace(DEMO_ADDRESS, address)],
                              cwd=work, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{snippet} failed:\n{snippet.code}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    python_blocks = [{"where": str(s), "code": s.code.replace(DEMO_ADDRESS, address)} for s in run if s.kind == "python"]
    (work / "blocks.json").write_text(json.dumps(python_blocks))
    (work / "harness.py").write_text(HARNESS)
    done = subprocess.run([sys.executable, "harness.py", "blocks.json"], cwd=work, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-5000:]
