"""Every third-party module the package imports is a declared dependency; the
optional ones (Celery, drf-spectacular) only where the package works without them."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "oauth_ext"
# Modules that import an extra's library, and the extra that provides it. Nothing
# else in the package may import them (status_list.services falls back to inline).
OPTIONAL = {"celery": ("celery", re.compile(r"(^|/)tasks\.py$")), "drf_spectacular": ("openapi", re.compile(r"^openapi\.py$")),
            "radicale": ("radicale", re.compile(r"^contrib/radicale\.py$"))}


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~\[;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _imports() -> dict[str, set[str]]:
    """Top-level module -> files (relative to the package) importing it at any level."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top != "oauth_ext" and top not in sys.stdlib_module_names and top != "__future__":
                    found.setdefault(top, set()).add(str(path.relative_to(PACKAGE)))
    return found


def test_every_import_is_a_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_name(r) for r in project["dependencies"]}
    extras = {extra: {_name(r) for r in reqs} for extra, reqs in project["optional-dependencies"].items()}
    distributions = packages_distributions()
    problems = []
    for module, files in sorted(_imports().items()):
        dists = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if module in OPTIONAL:
            extra, allowed = OPTIONAL[module]
            if not dists & extras.get(extra, set()):
                problems.append(f"{module}: not in the {extra!r} extra")
            problems += [f"{module} imported by {f}, which must work without it" for f in files if not allowed.search(f)]
        elif not dists & declared:
            problems.append(f"{module} ({', '.join(sorted(dists))}) imported by {', '.join(sorted(files))} but not declared")
    assert not problems, "\n".join(problems)


def test_broker_libraries_are_an_extra_and_the_build_floor_supports_the_license_string():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = pyproject["project"]
    assert not {"celery", "redis"} & {_name(r) for r in project["dependencies"]}
    assert {"celery", "redis"} <= {_name(r) for r in project["optional-dependencies"]["celery"]}
    assert project["license"] == "BSD-3-Clause" and "BSD 3-Clause License" in (ROOT / "LICENSE").read_text()
    floor = next(r for r in pyproject["build-system"]["requires"] if _name(r) == "setuptools")
    assert int(re.search(r">=\s*(\d+)", floor).group(1)) >= 77  # PEP 639 license expressions
