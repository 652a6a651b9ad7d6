"""A real browser: Playwright driving the system's Chromium (never a downloaded one)
against the live server on the test database. A failing test leaves a screenshot
of the page in ``var/test-artifacts/``."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("OAUTH_EXT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    """Playwright's sync API keeps an event loop marked running in this thread, and
    Django then refuses ORM calls from it; the calls are synchronous, so the guard
    is lifted while the browser runs (Playwright's advice for Django tests)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is required at {CHROMIUM} (apt-get install -y chromium; .ci/run does it)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


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


SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDTHS = (1366, 390)

# Every visible text (and button label) against the first opaque background behind
# it: WCAG 2.x contrast ratio; returns what falls below ``min``.
CONTRAST = """(min) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const el of document.querySelectorAll("body *")) {
    const text = el.matches("input[type=submit], input[type=button]") ? el.value
      : [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim();
    const box = el.getBoundingClientRect();
    if (!text || box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === "hidden") continue;
    const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < min) failures.push(`${text.slice(0, 40)}: ${ratio.toFixed(2)}`);
  }
  return failures;
}"""

# Form controls a person fills in without a label naming them.
UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea")]
  .filter((el) => !["hidden", "submit", "button"].includes(el.type))
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label"))
  .map((el) => el.name || el.id)"""


@pytest.fixture
def accessible(page):
    """``accessible()``: the page has a title, a <main> and a <header> or <nav>, a label
    for every field, text contrast of at least 4.5:1, at both widths and without
    sideways scrolling at 390 px."""

    def check() -> None:
        assert page.title().strip(), "the page has no <title>"
        assert page.locator("main").count() == 1, "no <main> landmark"
        assert page.locator("header, nav").count() >= 1, "no <header>/<nav> landmark"
        assert page.evaluate(UNLABELLED) == [], "fields without a label"
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            assert page.evaluate(CONTRAST, 4.5) == [], f"text below 4.5:1 contrast at {width} px"
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"sideways scrolling at {width} px"
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})

    return check


@pytest.fixture
def screenshots(page):
    """``screenshots(name)``: the whole page at 1366 and 390 px wide, into var/screenshots/."""

    def take(name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})

    return take


@pytest.fixture
def sign_in(page):
    """Through the site's sign-in page (LOGIN_URL), as a person does."""

    def run(username: str, password: str = "pw", url: str = "/accounts/login/") -> None:
        if url:
            page.goto(url)
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.get_by_role("button", name="Sign in", exact=True).click()

    return run
