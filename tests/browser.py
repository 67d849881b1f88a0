"""The HTML report as its readers see it: opened in a real browser (headless Chromium, driven
by Playwright) and read back as laid out. Where Playwright or Chromium is missing, the tests
that use the ``browser`` fixture are skipped with one line; CI installs both (``.ci/run``).

Chromium runs without a sandbox (CI runs as root) and with its background connections off
(the machines have no network, and each refused connection would be retried)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

#: Chromium's own executable: ``$CFP_LCA_CHROMIUM``, else the first of these on the PATH
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

#: what the page reports of itself once laid out (run in the page)
_LAYOUT = """() => {
  const cells = [...document.querySelectorAll('td, th')];
  const squeezed = cells.filter(c => {
    const s = getComputedStyle(c);
    const inner = c.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    return c.innerText.trim().length >= 3 && inner < 2 * parseFloat(s.fontSize);
  }).map(c => c.innerText.trim());
  const broken = [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))
    .map(i => (i.alt || i.src).slice(0, 60));
  const scrolled = [...document.querySelectorAll('.wide')]
    .filter(w => w.scrollWidth > w.clientWidth + 1)
    .map(w => (w.querySelector('caption') || w).innerText.slice(0, 60));
  return {squeezed, broken, scrolled, images: document.images.length,
          overflow: document.documentElement.scrollWidth - window.innerWidth};
}"""


def chromium() -> str | None:
    """The Chromium executable to drive, or None."""
    named = os.environ.get("CFP_LCA_CHROMIUM")
    if named:
        return named
    return next((found for name in NAMES if (found := shutil.which(name))), None)


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for the session, or a one-line skip."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright not installed")
    executable = chromium()
    if executable is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield launched
        launched.close()


@dataclass
class Seen:
    """What a page showed: messages, layout, the fonts that drew chosen elements."""

    messages: list[str] = field(default_factory=list)
    squeezed: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    scrolled: list[str] = field(default_factory=list)  # tables wider than the page, scrolled
    images: int = 0
    overflow: int = 0
    fonts: dict[str, list[dict]] = field(default_factory=dict)


def _fonts(page, selectors: tuple[str, ...]) -> dict[str, list[dict]]:
    """The fonts that drew the first element of each selector, as Chromium reports them."""
    client = page.context.new_cdp_session(page)
    client.send("DOM.enable")
    client.send("CSS.enable")
    root = client.send("DOM.getDocument")["root"]["nodeId"]
    found = {}
    for selector in selectors:
        node = client.send("DOM.querySelector", {"nodeId": root, "selector": selector})
        if node["nodeId"]:
            found[selector] = client.send("CSS.getPlatformFontsForNode", node)["fonts"]
    return found


def look(browser, html: Path, screenshot: Path, width: int = 1200,
         selectors: tuple[str, ...] = ("h1", "h2", "p", "th", "td")) -> Seen:  # fmt: skip
    """Open ``html`` at ``width`` CSS pixels, as a reader would, and say what it showed; the
    first screen is saved to ``screenshot``."""
    seen = Seen()
    page = browser.new_page(viewport={"width": width, "height": 1000})

    def on_console(message) -> None:
        if message.type in ("error", "warning"):
            seen.messages.append(f"{message.type}: {message.text}")

    def on_failed(request) -> None:
        seen.messages.append(f"not loaded: {request.url[:80]}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: seen.messages.append(f"page error: {e}"))
    page.on("requestfailed", on_failed)
    page.goto(html.resolve().as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    layout = page.evaluate(_LAYOUT)
    seen.squeezed, seen.broken = layout["squeezed"], layout["broken"]
    seen.scrolled = layout["scrolled"]
    seen.images, seen.overflow = layout["images"], layout["overflow"]
    page.remove_listener("console", on_console)  # what follows is the inspection's, not the page's
    page.remove_listener("requestfailed", on_failed)
    seen.fonts = _fonts(page, selectors)
    page.screenshot(path=str(screenshot))
    page.close()
    return seen


def colours(png: Path) -> int:
    """How many colours a screenshot holds (a blank or failed page has one or two)."""
    from PIL import Image

    with Image.open(png) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1 << 20) or [])


def drawn_by(fonts: list[dict], cjk: bool) -> int:
    """Glyphs drawn by CJK fonts (``cjk``) or by the others."""
    return sum(f["glyphCount"] for f in fonts if ("CJK" in f["familyName"]) == cjk)


def title_of(html_path: Path) -> str:
    """The text of a report page's title (its one h1)."""
    import html
    import re

    page = html_path.read_text(encoding="utf-8")
    return html.unescape(re.search(r"<h1>(.*?)</h1>", page).group(1))


def cjk_count(text: str) -> int:
    """Characters of ``text`` that only a CJK font draws (CJK and full-width forms)."""
    return sum(1 for c in text if ord(c) >= 0x2E80)


def assert_reads_well(seen: Seen, heading: str, figures: int) -> None:
    """No console error or warning, no failed load, every figure drawn (at least
    ``figures``), no table column squeezed below two characters, nothing wider than the
    window, and the page title ``heading`` drawn whole: its Chinese by a bold CJK face (the
    embedded one, or a bold one of the system's), its Latin by the others."""
    assert seen.messages == [], seen.messages
    assert seen.broken == [] and seen.images >= figures, (seen.broken, seen.images)
    assert seen.squeezed == [], seen.squeezed[:10]
    assert seen.overflow <= 0, seen.overflow
    h1 = seen.fonts["h1"]
    bold_cjk = sum(f["glyphCount"] for f in h1 if "CJK" in f["familyName"]
                   and (f["familyName"] == "CJK" or "Bold" in f["postScriptName"]))  # fmt: skip
    assert bold_cjk == drawn_by(h1, cjk=True) == cjk_count(heading), h1
    latin = [c for c in heading.strip() if ord(c) < 0x2E80]
    spaces = sum(1 for c in latin if c.isspace())  # a glyph, but not where a line wraps
    assert len(latin) - spaces <= drawn_by(h1, cjk=False) <= len(latin), h1
