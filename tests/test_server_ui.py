"""The query page in headless Chromium: run a saved query, follow a result to an entity page, run
SPARQL from the editor, search an entity by its Korean name, use the forms without JavaScript, and
see Korean drawn as glyphs, not tofu boxes.

Needs Debian's chromium and a Korean font (.ci/run installs chromium and fonts-noto-cjk) driven by
Playwright without downloading a browser. Skipped, saying why, where chromium, playwright or a
Korean font is missing — except in CI, where that fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from urllib.parse import urlparse

import pytest

from tests.sparql_protocol_runner import ServerProcess

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright():
    if CHROMIUM is None:
        _missing("chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def server(seed_store_path):
    with ServerProcess(seed_store_path) as running:
        yield running


def _browser(playwright, tmp_path_factory, **options):
    """Chromium with a fresh profile, as the README's flags say."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    return playwright.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, headless=True,
                                                         args=FLAGS, **options)


@pytest.fixture(scope="module")
def browser(playwright, tmp_path_factory, server):
    context = _browser(playwright, tmp_path_factory)
    context.set_default_timeout(15_000)
    hosts = set()
    context.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    yield context
    context.close()
    # everything the pages load comes from the server itself: they work with no other network
    assert hosts <= {urlparse(server.url).netloc}, hosts


def test_run_a_saved_query_and_open_an_entity_page(browser, server):
    page = browser.new_page()
    page.goto(server.url)
    page.click("text=Export controls on a chip over time")
    page.fill("input[name=chip]", "H20")
    page.click("#run-saved")
    page.wait_for_selector("table#results tbody tr")
    assert "H20" in page.inner_text("table#results")
    page.click("table#results a[href$='/id/entity/nvidia-h20']")
    page.wait_for_selector("h1")
    assert page.url.endswith("/id/entity/nvidia-h20")
    assert "H20" in page.inner_text("h1")
    assert "nvidia" in page.inner_html("table#incoming")  # who develops it, what happened to it
    page.close()


def test_the_editor_highlights_and_runs_a_query(browser, server):
    page = browser.new_page()
    page.goto(server.url)
    page.fill("#query", "SELECT ?label WHERE { e:nvidia rdfs:label ?label } ORDER BY ?label")
    assert page.locator("#highlight span.k").count() >= 3  # SELECT, WHERE, ORDER BY
    page.press("#query", "Control+Enter")
    page.wait_for_selector("table#results tbody tr")
    cells = page.locator("table#results tbody td").all_inner_texts()
    assert "엔비디아" in cells and "Nvidia" in cells
    csv_link = page.get_attribute("#downloads a[data-format=csv]", "href")
    assert "format=csv" in csv_link and "download=1" in csv_link
    page.fill("#query", "SELECT ?chip WHERE { e:nvidia cg:develops ?chip } ORDER BY ?chip LIMIT 1")
    page.press("#query", "Control+Enter")
    link = page.locator("table#results tbody td a").first
    link.wait_for()
    # shortened with the server's prefix table (/prefixes.json), linked to the entity's own page
    assert link.inner_text().startswith("e:nvidia-") and "/id/entity/nvidia-" in link.get_attribute("href")
    page.close()


def test_the_search_box_finds_an_entity_by_its_korean_name(browser, server):
    page = browser.new_page()
    page.goto(server.url)
    page.type("#search", "엔비디아")
    page.wait_for_selector("#suggestions a[href$='/id/entity/nvidia']")
    page.click("#suggestions a[href$='/id/entity/nvidia']")
    page.wait_for_selector("h1")
    assert "엔비디아" in page.inner_text("h1") and "Nvidia" in page.inner_text("h1")
    page.close()


def test_without_javascript_the_forms_still_work(playwright, tmp_path_factory, server):
    context = _browser(playwright, tmp_path_factory, java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url)
    page.click("#run")  # a plain form POST to /sparql; the server answers with an HTML table
    page.wait_for_selector("table#results tbody tr")
    assert "/sparql" in page.url
    page.goto(server.url)
    page.fill("#search", "화웨이")
    page.press("#search", "Enter")  # the entities-search saved query's page
    page.wait_for_selector("table#results tbody tr")
    assert "huawei" in page.inner_html("table#results")
    context.close()


# Measured in the page, with the font the page's CSS gives the element: the width of each Hangul
# syllable against the width of a code point no font has (U+0378, drawn as the .notdef box), and
# each syllable drawn on a canvas, pixel by pixel. Tofu: every syllable is exactly as wide as the
# box, and distinct syllables give identical pixels.
_GLYPHS = """(selector) => {
  const element = document.querySelector(selector);
  const style = getComputedStyle(element);
  const width = (text) => {
    const span = document.createElement("span");
    span.style.font = style.font;
    span.style.whiteSpace = "pre";
    span.textContent = text;
    document.body.appendChild(span);
    const found = span.getBoundingClientRect().width;
    span.remove();
    return found;
  };
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const context = canvas.getContext("2d", {willReadFrequently: true});
  context.font = `${style.fontSize} ${style.fontFamily}`;
  const pixels = (text) => {
    context.clearRect(0, 0, 64, 64);
    context.fillText(text, 8, 40);
    return Array.from(context.getImageData(0, 0, 64, 64).data).join(",");
  };
  const syllables = [...new Set([...element.textContent].filter((c) => c >= "\\uAC00" && c <= "\\uD7A3"))];
  return {family: style.fontFamily, syllables, widths: syllables.map(width), box: width("\\u0378"),
          drawings: new Set(syllables.map(pixels)).size};
}"""


def _korean_fonts() -> list[str]:
    """The fonts fontconfig knows that cover Korean (what Chromium on Linux falls back to)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    listed = subprocess.run([fc_list, ":lang=ko", "family"], capture_output=True, text=True, check=False)
    return [line for line in listed.stdout.splitlines() if line.strip()]


def test_korean_renders_as_glyphs_not_tofu_boxes(browser, server):
    if not _korean_fonts():
        _missing("no font covers Korean (apt-get install fonts-noto-cjk, as .ci/run does)")
    page = browser.new_page()
    page.goto(server.url + "id/entity/nvidia")
    page.wait_for_selector("h1")
    drawn = page.evaluate(_GLYPHS, "h1")  # 엔비디아 · Nvidia
    assert len(drawn["syllables"]) == 4, drawn
    assert all(abs(width - drawn["box"]) > 0.5 for width in drawn["widths"]), f"tofu boxes: {drawn}"
    assert drawn["drawings"] == len(drawn["syllables"]), f"syllables drawn alike (tofu): {drawn}"
    assert "Noto Sans CJK KR" in drawn["family"]  # the stack names the font fonts-noto-cjk installs
    page.close()
