"""One journey in the browser: numbered screenshots, axe-core on each page, browser errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
# RGAA 4 (France's reference, tagged from axe-core 4.11) and WCAG 2.0 / 2.1, levels A and AA.
AXE_TAGS = ["RGAAv4", "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# The smallest file the appeals service recognises as a PDF by its first bytes.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

RUN_AXE = """tags => axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
})"""


class AxeReport:
    """Every page axe-core checked in this session, with its violations."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pages: list[dict[str, Any]] = []

    def add(self, name: str, url: str, violations: list[dict[str, Any]], passes: int) -> None:
        self.pages.append({"page": name, "url": url, "violations": len(violations),
                           "rules_passed": passes,
                           "details": [{"id": v["id"], "impact": v.get("impact"),
                                        "help": v["help"],
                                        "targets": [n["target"] for n in v["nodes"]][:10]}
                                       for v in violations]})
        self.path.write_text(json.dumps({"tags": AXE_TAGS, "pages": self.pages},
                                        ensure_ascii=False, indent=2))


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '')[:300]}")
    return "\n".join(lines)


def expect_text(page: Any, text: str | re.Pattern[str]) -> None:
    from playwright.sync_api import expect

    expect(page.locator("main")).to_contain_text(text)


class Journey:
    """A page followed through a journey: `check(name)` keeps `NN-name.png` and runs axe-core.

    axe-core is evaluated through the DevTools protocol, which the pages' strict
    Content-Security-Policy does not govern: the policy stays on, and any inline style or
    script a template would add is reported as a console error and fails the journey.
    """

    def __init__(self, page: Any, folder: Path, report: AxeReport, name: str) -> None:
        self.page, self.report, self.name = page, report, name
        self.folder = folder / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.violations: dict[str, list[dict[str, Any]]] = {}
        self.console_errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(f"{page.url}: {error}"))
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        # A page answered 400 or 404 on purpose is logged as "Failed to load resource": the
        # statuses of resources are checked in _response instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(f"{self.page.url}: {message.text}")

    def _response(self, response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.console_errors.append(f"{self.page.url}: {response.status} {response.url}")

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        """`NN-name.png`: the whole page, or only what the screen shows first."""
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def axe(self, name: str) -> list[dict[str, Any]]:
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate(RUN_AXE, AXE_TAGS)
        violations: list[dict[str, Any]] = result["violations"]
        self.report.add(f"{self.name}/{name}", self.page.url, violations,
                        passes=len(result.get("passes", [])))
        if violations:
            self.violations[f"{name} ({self.page.url})"] = violations
        return violations

    def check(self, name: str, *, full_page: bool = True) -> Path:
        """Screenshot then axe-core: the page as the person sees it at this step."""
        path = self.screenshot(name, full_page=full_page)
        self.axe(name)
        return path

    def assert_clean(self) -> None:
        """No axe-core violation on any page checked, no error in the browser's console."""
        problems = [f"{page}:\n{format_violations(found)}"
                    for page, found in self.violations.items()]
        assert not problems, "axe-core violations:\n" + "\n".join(problems)
        assert not self.console_errors, "browser console errors:\n" + "\n".join(
            self.console_errors)


# What the keyboard journey reads at each stop: the focused element, whether its focus can be
# seen, and whether it comes after (Tab) or before (Shift+Tab) the previous stop in the page.
FOCUS_STATE = """backwards => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const s = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
    const name = (e.getAttribute('aria-label') || label || e.innerText || e.value || '');
    const opaque = c => c && c !== 'transparent' && !/rgba\\(.*, 0\\)$/.test(c);
    const trail = window.__explicite_tab_trail || (window.__explicite_tab_trail = []);
    const previous = trail[trail.length - 1];
    const wanted = backwards ? Node.DOCUMENT_POSITION_PRECEDING
                             : Node.DOCUMENT_POSITION_FOLLOWING;
    trail.push(e);
    return {
        tag: e.tagName.toLowerCase(), type: e.type || '', id: e.id,
        name: name.trim().replace(/\\s+/g, ' ').slice(0, 100),
        checked: !!e.checked, tabindex: e.tabIndex,
        top: r.top + window.scrollY, height: r.height,
        inViewport: r.bottom > 0 && r.top < window.innerHeight
                    && r.right > 0 && r.left < window.innerWidth,
        ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
               && opaque(s.outlineColor)) || (s.boxShadow !== 'none'),
        inOrder: !previous || previous === e || !!(previous.compareDocumentPosition(e) & wanted),
        focusVisible: e.matches(':focus-visible'),
    };
}"""


class Keyboard:
    """Tab, Shift+Tab, Enter and Space only, checking every stop on the way."""

    def __init__(self, journey: Journey) -> None:
        self.journey, self.page = journey, journey.page
        self.stops: list[dict[str, Any]] = []

    def press(self, key: str) -> dict[str, Any] | None:
        assert key in ("Tab", "Shift+Tab", "Enter", "Space"), key
        self.page.keyboard.press(key)
        if key not in ("Tab", "Shift+Tab"):
            return None
        state = self.page.evaluate(FOCUS_STATE, key == "Shift+Tab")
        assert state is not None, f"{key} left the focus nowhere on {self.page.url}"
        where = f"{state['tag']} « {state['name']} » on {self.page.url}"
        assert state["focusVisible"] and state["ring"], f"no visible focus on {where}"
        assert state["inViewport"], f"the focused {where} is off screen"
        assert state["tabindex"] <= 0, f"positive tabindex on {where}"
        assert state["inOrder"], f"{key} went against the page order to {where}"
        self.stops.append({**state, "url": self.page.url, "key": key})
        return dict(state)

    def tab_to(self, name: str, *, backwards: bool = False, limit: int = 80) -> dict[str, Any]:
        """Press Tab (or Shift+Tab) until the focused element's name contains `name`."""
        for _ in range(limit):
            state = self.press("Shift+Tab" if backwards else "Tab")
            assert state is not None
            if name in state["name"]:
                return state
        raise AssertionError(f"« {name} » not reached in {limit} presses on {self.page.url}")

    def type(self, text: str) -> None:
        """Typing into the focused field: the keys a person would type, nothing else."""
        self.page.keyboard.type(text)


# « L'essentiel » as the person reads it: where it is, and its words without its heading.
ESSENTIAL = """() => {
    const box = document.querySelector('#essentiel');
    const first = document.querySelector('main .doc-section');
    const parts = [...box.querySelectorAll('.outcome, li')].map(e => e.innerText);
    const r = box.getBoundingClientRect();
    return {text: parts.join(' '), top: r.top + window.scrollY,
            before: !!(box.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING)};
}"""


def check_essential(page: Any) -> dict[str, Any]:
    """« L'essentiel » comes before every section, holds at most 90 words, the result, a reason
    with figures, a dated deadline (or « Le délai est dépassé », or nothing to do) and a phone
    number; it starts within the first screen."""
    found: dict[str, Any] = page.evaluate(ESSENTIAL)
    text = found["text"]
    words = [w for w in text.replace("\u202f", "").replace("\u00a0", "").split()
             if any(ch.isalnum() for ch in w)]
    assert found["before"], "« L'essentiel » is not the first part of the explanation"
    assert len(words) <= 90, f"« L'essentiel » has {len(words)} words: {text}"
    assert re.search(r"Décision du \d", text) and re.search(r"\d+ points?", text), text
    assert re.search(r"Au plus tard le \d|Le délai est dépassé|vous n'avez rien à faire", text)
    assert re.search(r"\d\d \d\d \d\d \d\d \d\d", text), text
    assert found["top"] < page.viewport_size["height"], "not in the first screen"
    return found
