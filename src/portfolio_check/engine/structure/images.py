"""Images in write-ups, classified by what they show: badge, logo, diagram, plot, screenshot or demo, or unknown.

Only a screenshot or a demo recording shows a user-facing experience; a CI badge, a banner, an architecture
diagram or a loss curve does not. The class is read from the host, the file name, the alt text and title, and the
heading the image sits under, in that order of trust.
"""

from __future__ import annotations

import re
from typing import Literal

ImageClass = Literal["badge", "logo", "diagram", "plot", "screenshot", "demo", "unknown"]
#: (API docs pages, terminal output and logs are classed with diagrams: pictures of the system, not of a UI)

_MD_IMAGE = re.compile(r"!\[([^\]\n]{0,300})\]\(\s*<?([^)\s>]{1,500})>?(?:\s+[\"']([^\"'\n]{0,300})[\"'])?\s*\)")
_HTML_IMG = re.compile(r"<img\b([^>\n]{0,1000})>", re.I)
_HTML_VIDEO = re.compile(r"<video\b([^>\n]{0,1000})>", re.I)
_ATTR = re.compile(r"""\b(src|alt|title)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)

_BADGE_HOST = re.compile(
    r"(?:shields\.io|badge\.fury\.io|badgen\.net|codecov\.io|coveralls\.io|travis-ci\.|circleci\.com|"
    r"readthedocs\.org/projects/[^/]+/badge|app\.netlify\.com/sites/[^/]+/deploy-status|deepnote\.com/buttons|"
    r"colab\.research\.google\.com/assets/colab-badge|mybinder\.org/badge|pepy\.tech|snyk\.io/test|"
    r"sonarcloud\.io|github\.com/[^/]+/[^/]+/(?:actions/)?workflows/[^)]*badge|/badge\.svg|badge|"
    r"huggingface\.co/datasets/huggingface/badges|api\.star-history\.com|img\.youtube\.com/vi)",
    re.I,
)
_WORDS: list[tuple[ImageClass, re.Pattern[str]]] = [
    ("diagram", re.compile(r"(?:swagger|openapi|redoc|api[ _-]?docs?|\bdocs?\b|docs[ _-]|postman|curl|terminal|"
                           r"console|\bcli\b|shell|command[ _-]line|output|logs?\b)", re.I)),
    ("logo", re.compile(r"(?:^|[^a-z])(?:logo|banner|icon|favicon|avatar|brand|hero|header|cover|splash|thumbnail)"
                        r"(?:[^a-z]|$)", re.I)),
    ("diagram", re.compile(r"(?:architecture|diagram|flow ?chart|flowchart|sequence|workflow|pipeline|system|overview|"
                           r"design|schema|erd|topology|infra|structure|mermaid|drawio|excalidraw|c4|lifecycle|"
                           r"components?|stack)", re.I)),
    ("plot", re.compile(r"(?:plot|chart|curve|loss|accuracy|confusion|heat ?map|histogram|distribution|roc|auc|"
                        r"precision|recall|shap|importance|correlation|eda|fig(?:ure)?s?\b|fig_?\d|results?|metrics?|"
                        r"matrix|box ?plot|scatter|forecast|residual|learning[_ -]?rate|lr[_ -]|trend|graph|"
                        r"comparison|benchmark|evaluation|score|errors?|explain|tree|cluster|map)", re.I)),
    ("demo", re.compile(r"(?:demo|walkthrough|recording|screencast|preview|in action|usage)", re.I)),
    ("screenshot", re.compile(r"(?:screen ?shot|screen[_ -]?cap|screen|snapshot|\bui\b|_ui|ui_|interface|"
                              r"front ?end|app|chat|playground|dashboard|page|home|login|web ?site|webapp|"
                              r"gradio|streamlit)", re.I)),
]
_SCREEN_HEADING = re.compile(r"(?i)\b(?:demo|screenshots?|preview|user interface|\bui\b|interface|the app|web app|"
                             r"front ?end|walkthrough|how it looks|in action)\b")
_VIDEO_EXT = re.compile(r"\.(?:gif|mp4|webm|mov)(?:[?#]|$)", re.I)


def classify(src: str, alt: str = "", title: str = "", heading: str = "") -> ImageClass:
    """What an image most likely shows."""
    if _BADGE_HOST.search(src):
        return "badge"
    name = src.rsplit("/", 1)[-1].split("?", 1)[0]
    for label in (name, f"{alt} {title}"):
        for cls, rx in _WORDS:
            if rx.search(label):
                return "demo" if cls == "screenshot" and _VIDEO_EXT.search(src) else cls
    if _VIDEO_EXT.search(src):
        return "demo"
    if _SCREEN_HEADING.search(heading):
        return "screenshot"
    return "unknown"


def images_in(line: str) -> list[tuple[str, str, str]]:
    """(src, alt, title) of every image or video on one line of markdown or HTML."""
    out = [(m.group(2), m.group(1), m.group(3) or "") for m in _MD_IMAGE.finditer(line)]
    for rx in (_HTML_IMG, _HTML_VIDEO):
        for m in rx.finditer(line):
            attrs = {a.group(1).lower(): a.group(2) or a.group(3) or a.group(4) or ""
                     for a in _ATTR.finditer(m.group(1))}
            src = attrs.get("src", "")
            if rx is _HTML_VIDEO and not src:
                src = "video.mp4"
            if src:
                out.append((src, attrs.get("alt", ""), attrs.get("title", "")))
    return out
