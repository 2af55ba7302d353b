"""Several real app servers on one database, and a small HTTP client with its own cookies."""

from __future__ import annotations

import http.cookiejar
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def app_servers(db_url: str, count: int = 2):
    """Start `count` app processes on the database; yield their base URLs; stop them."""
    procs = [subprocess.Popen([sys.executable, "-m", "tests.serve", db_url], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, start_new_session=True)
             for _ in range(count)]
    try:
        yield [f"http://127.0.0.1:{int(p.stdout.readline())}" for p in procs]
    finally:
        for p in procs:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(timeout=10)
            p.stdout.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    text: str
    location: str


class Browser:
    """One user agent: its own cookies, no redirects followed (a 302 is an answer to look at)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None,
                timeout: float = 30) -> Answer:
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=timeout) as response:
                return Answer(response.status, response.read().decode(), response.headers.get("Location", ""))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(), error.headers.get("Location", ""))

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs) -> Answer:
        return self.request("POST", path, data, **kwargs)

    def log_in(self, username: str, password: str = "demo-danvan") -> Browser:
        answer = self.post("/login", {"username": username, "password": password})
        assert answer.status == 302, f"login as {username} on {self.base}: {answer.status}"
        return self

    def move_to(self, base: str) -> Browser:
        """Keep the cookies, talk to another app server (one behind the same proxy)."""
        self.base = base
        return self
