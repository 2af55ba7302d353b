"""Timings on the BUDGETS.md harness: H-3GEM (400 ms, 400 kbit/s, CPU 4×, 412×823) and H-2G.

    .venv/bin/python scripts/measure_h3gem.py --db /tmp/scaled.db [--runs 3] [--user dv001]

Serves a copy of the database with gunicorn (gthread, as `make serve`) on 127.0.0.1, drives
Debian's Chromium through Playwright with CDP Network.emulateNetworkConditions and
Emulation.setCPUThrottlingRate (no route(), so the browser cache works), and prints the median
of the runs for: the login page (B1/B2), a unit's home page cold (B3/B4), its checklist cold and
warm (B4/B5), and a tick round trip (B6) with the time until the button shows its pending state
(B7). Bytes are CDP encodedDataLength, headers included.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
HARNESS = {
    "H-3GEM": dict(latency=400, downloadThroughput=400_000 / 8, uploadThroughput=400_000 / 8),
    "H-2G": dict(latency=800, downloadThroughput=280_000 / 8, uploadThroughput=256_000 / 8),
}
PASSWORD = "demo-danvan"


class Net:
    """Requests and bytes of one step, from DevTools events."""

    def __init__(self, cdp):
        self.urls, self.sizes, self.cached = {}, {}, set()
        cdp.on("Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        cdp.on("Network.loadingFinished", lambda e: self.sizes.__setitem__(e["requestId"], e["encodedDataLength"]))

    def reset(self):
        self.urls.clear(), self.sizes.clear(), self.cached.clear()

    def summary(self):
        return len(set(self.urls) - self.cached), sum(self.sizes.values())


def throttle(context, page, harness: str):
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", dict(offline=False, **HARNESS[harness]))
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    return cdp


def timing(page) -> tuple[float, float]:
    """Return (first contentful paint, load event) in ms from the page's own performance entries."""
    return page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        return [fcp ? fcp.startTime : -1, nav ? nav.loadEventEnd : -1];
    }""")


def one_run(browser, base: str, harness: str, username: str) -> dict[str, tuple]:
    results = {}
    # Login page, cold (fresh context = empty cache).
    context = browser.new_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    net = Net(throttle(context, page, harness))
    page.goto(f"{base}/login", wait_until="load")
    page.wait_for_timeout(100)
    results["login page, cold"] = (*timing(page), *net.summary())
    # Log in without throttling so the password hash is not what we time.
    context.close()
    context = browser.new_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button")
    page.wait_for_url(f"{base}/")
    checklist = page.evaluate("() => document.querySelector('a[href$=\"/checklist\"]')?.href") or f"{base}/checklist"
    cookies = context.cookies()
    context.close()
    # Home, cold cache.
    context = browser.new_context(viewport={"width": 412, "height": 823})
    context.add_cookies(cookies)
    page = context.new_page()
    net = Net(throttle(context, page, harness))
    page.goto(f"{base}/", wait_until="load")
    results["home, cold"] = (*timing(page), *net.summary())
    context.close()
    # Checklist, cold then warm, then a tick.
    context = browser.new_context(viewport={"width": 412, "height": 823})
    context.add_cookies(cookies)
    page = context.new_page()
    net = Net(throttle(context, page, harness))
    page.goto(checklist, wait_until="load")
    results["checklist, cold"] = (*timing(page), *net.summary())
    net.reset()
    page.goto(checklist, wait_until="load")
    results["checklist, warm"] = (*timing(page), *net.summary())
    net.reset()
    page.wait_for_selector("button.tick")
    # B7: time from the click until the button is disabled (hx-disabled-elt) or the request leaves.
    page.evaluate("""() => {
        const b = document.querySelector('form[hx-post] button.tick');
        window.__pending = null;
        new MutationObserver((m, o) => { if (b.disabled && window.__pending === null) {
            window.__pending = performance.now() - window.__clicked; o.disconnect(); } })
          .observe(b, {attributes: true});
        b.addEventListener('pointerdown', () => { window.__clicked = performance.now(); }, {once: true});
    }""")
    item_id = page.evaluate("() => document.querySelector('form[hx-post] button.tick').closest('li').id")
    button = page.locator(f"#{item_id} button.tick")
    before = button.get_attribute("aria-pressed")
    start = page.evaluate("() => performance.now()")
    button.click()
    page.wait_for_function("([id, b]) => document.querySelector('#' + id + ' button.tick')"
                           " && document.querySelector('#' + id + ' button.tick').getAttribute('aria-pressed') !== b",
                           arg=[item_id, before], timeout=30_000)
    done = page.evaluate("() => performance.now()")
    pending = page.evaluate("() => window.__pending")
    page.wait_for_timeout(100)
    requests, size = net.summary()
    results["tick round trip"] = (-1, done - start, requests, size, pending if pending is not None else -1)
    context.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--user", default="dv001")
    parser.add_argument("--harness", action="append", choices=list(HARNESS))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = bench.start_server(args.db, "gthread", 2, 50, "h3gem")
    base = f"http://127.0.0.1:{server.port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for harness in args.harness or list(HARNESS):
                runs = [one_run(browser, base, harness, args.user) for _ in range(args.runs)]
                print(f"\n{harness} (median of {args.runs}; times in s, bytes on the wire)")
                print("| step | first paint | loaded / done | requests | KB | B7 pending (ms) |")
                print("|---|---|---|---|---|---|")
                for step in runs[0]:
                    values = [r[step] for r in runs]
                    med = [statistics.median(v[i] for v in values) for i in range(len(values[0]))]
                    fcp = f"{med[0] / 1000:.2f}" if med[0] >= 0 else "–"
                    pending = f"{med[4]:.0f}" if len(med) > 4 and med[4] >= 0 else "–"
                    print(f"| {step} | {fcp} | {med[1] / 1000:.2f} | {med[2]:.0f} | {med[3] / 1024:.1f} | {pending} |")
            browser.close()
    finally:
        bench.stop_server(server)
        shutil.rmtree(server.db.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
