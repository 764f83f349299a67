#!/usr/bin/python3
"""Opens an HTML report in headless Chromium (Debian's chromium) and checks it as a reader's
browser would: no console error or exception, no network request besides the page itself,
every chart's canvas drawn (pixels that are not blank), and no page wider than the window
at 1280 px and at a phone's 390 px. Keeps a full-page screenshot (PNG) when asked.

Talks the DevTools protocol over --remote-debugging-pipe (file descriptors 3 and 4), so it
needs nothing beyond Python's standard library and no port.

usage: browser_check.py REPORT.html [--screenshot OUT.png [--screenshot-height PX]] [--width PX]
                        [--min-charts N]
exit 0 when every check passes, 1 with the failures listed, 2 on a usage problem.
"""
import argparse
import base64
import fcntl
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
    "--remote-debugging-pipe",
]


class Browser:
    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="capsim-chromium-")
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4. The pipe ends are
        # first moved above 9, so that placing one cannot close the other.
        def child_fds():
            read_end = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            write_end = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)
        self.process = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds, pass_fds=(3, 4))
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        request = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            request["sessionId"] = session
        os.write(self.to_browser, json.dumps(request).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            message = self._read_message(deadline)
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method, timeout=60):
        deadline = time.monotonic() + timeout
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        while True:
            message = self._read_message(deadline)
            self.events.append(message)
            if message.get("method") == method:
                return self.events.pop()


# Counts each canvas's pixels that are not fully transparent: a chart that drew nothing
# (an exception, an empty data set) leaves its canvas blank.
COUNT_PIXELS = """
(() => [...document.querySelectorAll('canvas')].map((c) => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let drawn = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) drawn++;
  return {label: c.getAttribute('aria-label') || '', width: c.width, height: c.height, drawn};
}))()
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--screenshot")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--screenshot-height", type=int, default=16000, help="the most pixels of the page to keep")
    parser.add_argument("--min-charts", type=int, default=1)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    page = pathlib.Path(args.report).resolve()
    if not page.is_file():
        print(f"browser_check: {args.report}: no such file", file=sys.stderr)
        return 2
    url = page.as_uri()
    failures = []
    browser = Browser(args.chromium)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": args.width, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=session)
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired")
        charts = browser.send("Runtime.evaluate", {"expression": "document.documentElement.dataset.charts || ''",
                                                   "returnByValue": True}, session=session)["result"].get("value")
        canvases = browser.send("Runtime.evaluate", {"expression": COUNT_PIXELS, "returnByValue": True},
                                session=session)["result"]["value"]
        if not charts:
            failures.append("the report's script did not finish (no data-charts on the page)")
        if len(canvases) < args.min_charts:
            failures.append(f"{len(canvases)} charts; expected at least {args.min_charts}")
        for canvas in canvases:
            if canvas["width"] == 0 or canvas["height"] == 0 or canvas["drawn"] < 500:
                failures.append(f"chart \"{canvas['label']}\" is blank ({canvas['drawn']} pixels drawn, "
                                f"{canvas['width']}x{canvas['height']})")
        for width in (args.width, 390):
            browser.send("Emulation.setDeviceMetricsOverride",
                         {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
                         session=session)
            overflow = browser.send("Runtime.evaluate", {
                "expression": "document.documentElement.scrollWidth - window.innerWidth", "returnByValue": True},
                session=session)["result"]["value"]
            if overflow > 0:
                failures.append(f"at {width} px the page is {overflow} px wider than the window")
        if args.screenshot:
            browser.send("Emulation.setDeviceMetricsOverride",
                         {"width": args.width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                         session=session)
            height = browser.send("Runtime.evaluate", {"expression": "document.documentElement.scrollHeight",
                                                       "returnByValue": True}, session=session)["result"]["value"]
            shot = browser.send("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": args.width, "height": min(height, args.screenshot_height), "scale": 1}},
                session=session)
            pathlib.Path(args.screenshot).write_bytes(base64.b64decode(shot["data"]))
        # Everything the page logged or asked for, while loading and drawing.
        browser.send("Runtime.evaluate", {"expression": "0"}, session=session)
        for event in browser.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                text = details.get("exception", {}).get("description") or details.get("text")
                failures.append(f"uncaught exception: {text}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                failures.append(f"console {params['type']}: {text}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
                failures.append(f"browser log {params['entry']['level']}: {params['entry'].get('text')}")
            elif method == "Network.requestWillBeSent" and params.get("request", {}).get("url") != url:
                failures.append(f"network request: {params['request']['url']}")
        print(f"browser_check: {page.name}: {len(canvases)} charts, "
              f"{sum(1 for c in canvases if c['drawn'] >= 500)} drawn", file=sys.stderr)
    finally:
        browser.close()
    for failure in failures:
        print(f"browser_check: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
