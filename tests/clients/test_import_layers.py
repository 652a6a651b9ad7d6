"""The client packages import each other at module level only: no cycle is held
together by imports inside functions."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "oauth_ext"


@pytest.mark.parametrize("package", ["clients", "client_auth", "client_instances"])
def test_no_function_local_imports_of_our_modules(package):
    local = []
    for path in (PACKAGE / package).rglob("*.py"):
        for function in (n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("oauth_ext")):
                    local.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not local, local
