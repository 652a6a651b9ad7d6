"""A real browser: Playwright driving the system's Chromium (never a downloaded one)
against the live server on the test database. A failing test leaves a screenshot
of the page in ``var/test-artifacts/``."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1600, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is None or report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', request.node.nodeid)}.png", full_page=True)
    context.close()


@pytest.fixture
def snap(page):
    """``snap(name)``: a screenshot of this step when OAUTH_EXT_SCREENSHOTS=1 (to look at the pages)."""

    def take(name: str) -> None:
        if os.environ.get("OAUTH_EXT_SCREENSHOTS") == "1":
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)

    return take


@pytest.fixture
def log_in(page):
    def run(username: str, password: str = "pw") -> None:
        page.goto("/admin/login/?next=/admin/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("input[type=submit]")

    return run
