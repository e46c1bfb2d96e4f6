"""A real headless Chromium, driven over the DevTools protocol on a pipe (no extra package, no port).

``open_page`` loads a file and returns what a user's browser would have seen: console messages, uncaught
exceptions, log entries (a blocked load is one) and every network request; ``evaluate`` runs a script in the page
(to click, say). Tests that use it skip where no Chromium is installed (``chromium()`` returns None).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars"]


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Page:
    console: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Everything a developer console would show as an error or a warning."""
        out = [json.dumps(e.get("exceptionDetails", e))[:300] for e in self.exceptions]
        out += [f"console.{c['type']}: {json.dumps(c.get('args'))[:300]}" for c in self.console
                if c.get("type") in ("error", "warning", "assert")]
        out += [f"log {e['entry'].get('level')}: {e['entry'].get('text')}" for e in self.log
                if e["entry"].get("level") in ("error", "warning")]
        return out


class Browser:
    def __init__(self, exe: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="pc-chromium-")
        r_ours, w_theirs = os.pipe()  # chromium writes on its fd 4
        r_theirs, w_ours = os.pipe()  # chromium reads its fd 3
        def wire() -> None:  # in the child: its ends on fds 3 and 4, whatever numbers the pipes got here
            hi_r, hi_w = os.dup(r_theirs), os.dup(w_theirs)
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)

        # fds made by Python are not inherited (PEP 446): with close_fds off, only 3 and 4 reach chromium
        self.proc = subprocess.Popen(
            [exe, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "--window-size=1200,1600",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=wire)
        os.close(r_theirs)
        os.close(w_theirs)
        self.rd, self.wr = r_ours, w_ours
        self.buf = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float = 30) -> dict[str, Any]:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.wr, json.dumps(msg).encode() + b"\0")
        want = self.next_id
        deadline = time.monotonic() + timeout
        while True:
            m = self._read(deadline)
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for m in self.events:
            if m.get("method") == method:
                return m
        while True:
            m = self._read(deadline)
            self.events.append(m)
            if m.get("method") == method:
                return m

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.rd], [], [], left)[0]:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.rd, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.send("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self.rd)
        os.close(self.wr)
        shutil.rmtree(self.profile, ignore_errors=True)


def open_page(exe: str, path: Path, script: str | None = None,
              screenshot: Path | None = None) -> tuple[Page, Any]:
    """Load ``path``, wait for it to settle, run ``script`` (its value is returned) and collect what happened."""
    b = Browser(exe)
    try:
        target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            b.send(f"{domain}.enable", session=session)
        b.events.clear()
        url = path.resolve().as_uri()
        b.send("Page.navigate", {"url": url}, session=session)
        b.wait_for("Page.loadEventFired")
        value = None
        if script is not None:
            res = b.send("Runtime.evaluate", {"expression": script, "returnByValue": True, "awaitPromise": True},
                         session=session)
            if "exceptionDetails" in res:
                raise AssertionError(f"script failed: {res['exceptionDetails']}")
            value = res.get("result", {}).get("value")
        b.send("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 200))", "awaitPromise": True},
               session=session)
        if screenshot is not None:
            data = b.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                          session=session)["data"]
            screenshot.write_bytes(base64.b64decode(data))
        page = Page()
        for m in b.events:
            method, params = m.get("method"), m.get("params", {})
            if method == "Runtime.consoleAPICalled":
                page.console.append(params)
            elif method == "Runtime.exceptionThrown":
                page.exceptions.append(params)
            elif method == "Log.entryAdded":
                page.log.append(params)
            elif method == "Network.requestWillBeSent":
                req = params.get("request", {}).get("url", "")
                if req != url:  # the page itself
                    page.requests.append(req)
        return page, value
    finally:
        b.close()
