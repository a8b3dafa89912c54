"""Real-browser tests: Playwright drives Debian's Chromium (never a downloaded browser), and
every page a journey visits is checked by axe-core and the Nu Html Checker (see audit.py).

Without /usr/bin/chromium, Java or the npm tools these tests are skipped, saying what is missing,
unless LMS_REQUIRE_BROWSER=1 (set by .ci/run), where anything missing is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.e2e.audit import PageAudit, missing_tools

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    missing = missing_tools()
    if not os.path.exists(CHROMIUM):
        missing.insert(0, f"Chromium at {CHROMIUM} (apt-get install chromium)")
    if not missing or not any("e2e" in str(item.fspath) for item in items):
        return
    if os.environ.get("LMS_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError("LMS_REQUIRE_BROWSER=1 but missing: " + "; ".join(missing))
    reason = "browser tests need " + "; ".join(missing)
    reporter = config.pluginmanager.get_plugin("terminalreporter")  # absent in xdist workers
    if reporter is not None:
        reporter.write_line(f"SKIPPING the browser tests: {reason}")
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture
def audit(page, tmp_path):
    """Checks every page the test's tab shows (axe + vnu); fails the test at its end if any
    page has a serious accessibility problem, invalid HTML or was never checked."""
    shots = os.environ.get("LMS_GUIDE_SCREENSHOTS")
    checker = PageAudit(workdir=tmp_path, screenshots=Path(shots) if shots else None)
    checker.watch(page)
    yield checker
    problems = checker.problems()
    assert not problems, "Pages failed the audit:\n  " + "\n  ".join(problems)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 360, "height": 740}, "locale": "vi-VN"}


CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(
    e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || ''));
});
"""


@pytest.fixture
def csp_watch(page):
    """Records every Content-Security-Policy violation the page reports, across navigations."""
    page.add_init_script(CSP_RECORDER)
    console = []
    page.on(
        "console",
        lambda msg: (
            console.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )

    def violations():
        return list(page.evaluate("window.__cspViolations || []")) + console

    return violations


def sign_in(page, base_url, email, password, next_url="/", audit=None):
    """Signs in through the login form; with ``audit``, checks the form and the page reached."""
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    if audit:
        audit.check(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")
    if audit:
        audit.check(page)
