"""Every page a journey visits is checked the way a person with a screen reader and the W3C
checker would: axe-core (injected into the live page) and the Nu Html Checker (vnu.jar, run by
the machine's Java on the HTML the server sent).

A journey calls ``audit.check(page)`` after each page it lands on; at the end of the test the
fixture fails it if axe found a "serious" or "critical" violation, if vnu found an error, or if
the browser showed a page that was never checked (so a journey cannot skip one by accident).
``check(page, shot="name")`` also saves a screenshot for the user guides when
``LMS_GUIDE_SCREENSHOTS`` names a folder (``make screenshots``).
"""

import functools
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")
BLOCKING_IMPACTS = {"serious", "critical"}
# Screens drawn by Wagtail's admin, not by our templates: its own team audits them.
NOT_OURS = ("/admin/",)


@functools.cache
def _axe_source():
    return AXE.read_text(encoding="utf-8") + "\n;undefined"


def missing_tools():
    """What the checks need and this machine lacks, in words (empty when all is present)."""
    missing = []
    if not AXE.exists() or not VNU.exists():
        missing.append("node_modules (run `npm ci --ignore-scripts`)")
    if JAVA is None:
        missing.append("java (apt-get install default-jre-headless)")
    return missing


@dataclass
class PageAudit:
    workdir: Path
    screenshots: Path | None = None
    sources: dict[str, str] = field(default_factory=dict)  # file name → URL it was fetched from
    axe_problems: list[str] = field(default_factory=list)
    shown: set[str] = field(default_factory=set)  # paths the browser displayed
    checked: set[str] = field(default_factory=set)

    def watch(self, page):
        """Remembers every page this tab displays, so an unchecked one is noticed."""

        def displayed(frame):
            if frame == page.main_frame and frame.url.startswith("http"):
                self.shown.add(urlsplit(frame.url).path)

        page.on("framenavigated", displayed)
        return page

    def check(self, page, shot: str | None = None):
        page.wait_for_load_state("load")
        url = page.url
        path = urlsplit(url).path
        self.checked.add(path)
        if shot and self.screenshots:
            self.screenshots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(self.screenshots / f"{shot}.png"), full_page=True)
        if path.startswith(NOT_OURS):
            return
        # Evaluated through the DevTools protocol, which the site's Content-Security-Policy
        # (no inline scripts) does not govern; a <script> tag would be refused.
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(_axe_source())
        for violation in page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ):
            if violation["impact"] in BLOCKING_IMPACTS:
                targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
                self.axe_problems.append(
                    f"{path}: {violation['id']} ({violation['impact']}) {violation['help']} "
                    f"— {targets}"
                )
        # vnu reads what the server sent, not the DOM after scripts ran. The same browser
        # context fetches it again, so it carries the same session and language cookies. A page
        # that answered a POST cannot be fetched again: then the browser's parsed document is
        # checked (parser-repaired markup may pass there, so prefer GET pages in journeys).
        response = page.request.get(url)
        name = f"page-{len(self.sources):02d}.html"
        if response.ok and "text/html" in response.headers.get("content-type", ""):
            (self.workdir / name).write_bytes(response.body())
        else:
            (self.workdir / name).write_text(page.content(), encoding="utf-8")
        self.sources[name] = url

    def problems(self):
        problems = list(self.axe_problems)
        unchecked = {p for p in self.shown - self.checked if not p.startswith(NOT_OURS)}
        problems += [f"{path}: shown but never checked" for path in sorted(unchecked)]
        return problems + self._html_errors()

    def _html_errors(self):
        if not self.sources:
            return []
        files = [str(self.workdir / name) for name in self.sources]
        result = subprocess.run(
            [JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", *files],
            capture_output=True,
            timeout=300,
            check=False,
        )
        errors = []
        for message in json.loads(result.stdout or b'{"messages": []}')["messages"]:
            name = os.path.basename(message.get("url", ""))
            where = self.sources.get(name, name)
            line = message.get("lastLine", "?")
            errors.append(f"{where} line {line}: HTML {message['message']}")
        return errors
