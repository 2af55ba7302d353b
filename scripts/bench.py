"""Server benchmark for BUDGETS.md S1 and S2, and the R36 lost-update harness (TRUST.md).

    .venv/bin/python scripts/bench.py --db /tmp/scaled.db            # S1 + S2 + R36
    .venv/bin/python scripts/bench.py --db /tmp/scaled.db --only s1 --worker-class sync --workers 2

Build the database first with `scripts/scale_demo.py`. Each part serves a COPY of it with
gunicorn on 127.0.0.1 (a free port), logs in one session per unit (dv001, dv002, … with the
demo password) and drives it with a small asyncio HTTP/1.1 client (keep-alive, one session per
connection, `Accept-Encoding: br, gzip` like a browser):

- S1: C connections (default 50) for T seconds or R requests, 80 % reads (a unit's home page,
  its checklist, the mô hình page of the latest plan, the province view) and 20 % writes
  (checklist ticks of the connection's own unit: POST /items/<id>/toggle, X-CSRFToken header).
  Prints req/s, p50/p95/p99, errors, and the "database is locked" lines of the server log.
- S2: one client, no load: p95 of a checklist page and of a tick.
- R36: gunicorn with 3 sync workers; P clients (6 units) each POST N "+1" progress entries on
  the same target at once (POST /targets/<id>/progress); the sum must rise by exactly P×N,
  with no response ≥ 500 and no "database is locked".

Only loopback; everything it started is stopped at the end. The client shares the machine's
cores with the server, as it would in the peer measurement of BUDGETS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-danvan"
CSRF_FIELD = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
CSRF_HEADER = re.compile(r'X-CSRFToken&#34;: &#34;([^&]+)&#34;|"X-CSRFToken": "([^"]+)"')
TOGGLE = re.compile(r'action="/items/(\d+)/toggle".*?name="done" value="([01])"')


# ---------------------------------------------------------------- a tiny HTTP/1.1 client

class Conn:
    """One keep-alive connection with its own cookie jar."""

    def __init__(self, port: int, compress: bool = True):
        self.port, self.compress = port, compress
        self.reader = self.writer = None
        self.cookies: dict[str, str] = {}

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    def close(self) -> None:
        if self.writer:
            self.writer.close()
        self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"",
                      headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
        if self.writer is None:
            await self.open()
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        if self.compress:
            lines.append("Accept-Encoding: br, gzip")
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        if method == "POST":
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        self.writer.write(raw)
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionResetError) as exc:
            # The server closed an idle keep-alive connection (gunicorn: 2 s): reopen, send again.
            if isinstance(exc, asyncio.IncompleteReadError) and exc.partial:
                raise
            self.close()
            await self.open()
            self.writer.write(raw)
            head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        got: dict[str, str] = {}
        for line in header_lines:
            if ":" in line:
                k, v = line.split(":", 1)
                k = k.strip().lower()
                if k == "set-cookie":
                    name, _, rest = v.strip().partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
                got[k] = v.strip()
        if got.get("transfer-encoding") == "chunked":
            data = b""
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                data += chunk[:-2]
        else:
            data = await self.reader.readexactly(int(got.get("content-length", 0)))
        if got.get("connection", "").lower() == "close":
            self.close()
        return status, got, data


def decode(headers: dict, data: bytes) -> str:
    enc = headers.get("content-encoding")
    if enc == "br":
        import brotli
        data = brotli.decompress(data)
    elif enc == "gzip":
        import gzip
        data = gzip.decompress(data)
    return data.decode()


@dataclass
class Session:
    username: str
    conn: Conn
    unit_id: int = 0
    csrf: str = ""
    items: dict[int, str] = field(default_factory=dict)  # item id -> value the next tick sends


async def log_in(port: int, username: str, compress: bool = True) -> Session:
    conn = Conn(port, compress)
    _, h, body = await conn.request("GET", "/login")
    token = CSRF_FIELD.search(decode(h, body)).group(1)
    form = urlencode({"username": username, "password": PASSWORD, "csrf_token": token}).encode()
    status, h, _ = await conn.request("POST", "/login", form)
    if status != 302:
        raise SystemExit(f"login as {username} failed: {status}")
    status, h, _ = await conn.request("GET", "/checklist")
    unit_id = int(re.search(r"/units/(\d+)/checklist", h["location"]).group(1))
    session = Session(username, conn, unit_id)
    await refresh(session)
    return session


async def refresh(session: Session) -> None:
    _, h, body = await session.conn.request("GET", f"/units/{session.unit_id}/checklist")
    html = decode(h, body)
    match = CSRF_HEADER.search(html)
    session.csrf = match.group(1) or match.group(2)
    session.items = {int(i): v for i, v in TOGGLE.findall(html)}


async def tick(session: Session) -> tuple[int, dict, bytes]:
    item = random.choice(list(session.items))
    value = session.items[item]
    result = await session.conn.request(
        "POST", f"/items/{item}/toggle", f"done={value}".encode(),
        {"X-CSRFToken": session.csrf, "HX-Request": "true", "HX-Target": f"item-{item}"})
    if result[0] == 200:
        session.items[item] = "0" if value == "1" else "1"
    return result


# ---------------------------------------------------------------- the server

@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    log: Path
    db: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_db(source: Path, name: str) -> Path:
    """Return a consistent copy of the database (online backup API) in a temp folder."""
    target = Path(tempfile.mkdtemp(prefix=f"perf-{name}-")) / "bench.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def start_server(source: Path, worker_class: str, workers: int, threads: int, name: str) -> Server:
    db = copy_db(source, name)
    port = free_port()
    log = db.parent / "server.log"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db}", SECRET_KEY="bench-" + "k" * 40)
    env.pop("DANVAN_ENV", None)
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "--worker-class", worker_class, "--workers", str(workers),
           "--bind", f"127.0.0.1:{port}", "--error-logfile", str(log), "--log-level", "warning",
           "--chdir", str(ROOT), "app:app"]
    if worker_class == "gthread":
        cmd[3:3] = ["--threads", str(threads)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    else:
        stop_server(Server(proc, port, log, db))
        raise SystemExit("gunicorn did not start")
    return Server(proc, port, log, db)


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        os.killpg(server.proc.pid, signal.SIGTERM)
        try:
            server.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait()


def locked_lines(server: Server) -> int:
    text = server.log.read_text(errors="replace") if server.log.exists() else ""
    return text.count("database is locked")


def error_lines(server: Server) -> int:
    text = server.log.read_text(errors="replace") if server.log.exists() else ""
    return text.count("Traceback")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def latest_plan(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT id FROM plan WHERE parent_plan_id IS NULL ORDER BY year DESC, id LIMIT 1").fetchone()[0]


# ---------------------------------------------------------------- S1

async def s1(server: Server, connections: int, seconds: float, max_requests: int, writes: float) -> dict:
    plan_id = latest_plan(server.db)
    names = [f"dv{n:03d}" for n in range(1, connections + 1)]
    sessions = await asyncio.gather(*(log_in(server.port, n) for n in names))
    # One warm-up round so that template compilation is not measured.
    for s in sessions[:4]:
        for path in ("/", f"/units/{s.unit_id}/checklist", f"/plans/{plan_id}/initiatives", "/province"):
            await s.conn.request("GET", path)
    latencies: dict[str, list[float]] = {"read": [], "write": []}
    errors: dict[str, int] = {}
    sent = 0
    stop_at = time.monotonic() + seconds
    rnd = random.Random(1)

    async def worker(session: Session):
        nonlocal sent
        while time.monotonic() < stop_at and sent < max_requests:
            sent += 1
            is_write = rnd.random() < writes and session.items
            if is_write:
                kind = "write"
                call = tick(session)
            else:
                kind = "read"
                path = rnd.choice(["/", f"/units/{session.unit_id}/checklist",
                                   f"/plans/{plan_id}/initiatives", "/province"])
                call = session.conn.request("GET", path)
            t0 = time.perf_counter()
            try:
                status, _, _ = await call
            except Exception as exc:  # noqa: BLE001  (a reset connection is an error, counted)
                status = type(exc).__name__
                session.conn.close()
            latencies[kind].append((time.perf_counter() - t0) * 1000)
            if status != 200:
                errors[str(status)] = errors.get(str(status), 0) + 1

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(s) for s in sessions))
    elapsed = time.perf_counter() - t0
    for s in sessions:
        s.conn.close()
    everything = latencies["read"] + latencies["write"]
    return {
        "requests": len(everything), "seconds": elapsed, "rps": len(everything) / elapsed,
        "p50": pct(everything, 50), "p95": pct(everything, 95), "p99": pct(everything, 99),
        "read_p95": pct(latencies["read"], 95), "write_p95": pct(latencies["write"], 95),
        "writes": len(latencies["write"]), "errors": errors,
    }


# ---------------------------------------------------------------- S2

async def s2(server: Server, repeats: int) -> dict:
    session = await log_in(server.port, "dv001")
    page = f"/units/{session.unit_id}/checklist"
    for _ in range(20):
        await session.conn.request("GET", page)
        await tick(session)
    page_ms, tick_ms, home_ms = [], [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        await session.conn.request("GET", page)
        page_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        await session.conn.request("GET", "/")
        home_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        status, _, _ = await tick(session)
        tick_ms.append((time.perf_counter() - t0) * 1000)
        assert status == 200, status
    session.conn.close()
    return {"checklist_p50": pct(page_ms, 50), "checklist_p95": pct(page_ms, 95),
            "home_p50": pct(home_ms, 50), "home_p95": pct(home_ms, 95),
            "tick_p50": pct(tick_ms, 50), "tick_p95": pct(tick_ms, 95)}


# ---------------------------------------------------------------- R36

def progress_target(db: Path, usernames: list[str]) -> tuple[int, str]:
    """Return a count target of the latest plan every one of these units has a share of, and its year."""
    with sqlite3.connect(db) as c:
        # Only "?" placeholders are formatted into the SQL; the usernames are bound parameters.
        marks = ",".join("?" * len(usernames))
        row = c.execute(
            f"""SELECT t.id, p.year FROM target t JOIN initiative i ON i.id = t.initiative_id
                JOIN plan p ON p.id = i.plan_id JOIN allocation a ON a.target_id = t.id
                JOIN user u ON u.unit_id = a.unit_id
                WHERE t.measure = 'child' AND p.parent_plan_id IS NULL AND u.username IN ({marks})
                GROUP BY t.id HAVING count(DISTINCT u.id) = ? ORDER BY p.year DESC LIMIT 1""",  # noqa: S608
            [*usernames, len(usernames)]).fetchone()
    return row[0], str(row[1])


def progress_sum(db: Path, target_id: int) -> int:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT coalesce(sum(amount), 0) FROM progress_entry WHERE target_id = ?",
                         (target_id,)).fetchone()[0]


async def r36(server: Server, clients: int, per_client: int) -> dict:
    names = [f"dv{n:03d}" for n in range(1, clients + 1)]
    target_id, year = progress_target(server.db, names)
    before = progress_sum(server.db, target_id)
    sessions = await asyncio.gather(*(log_in(server.port, n) for n in names))
    statuses: dict[str, int] = {}

    async def client(session: Session):
        prefix = f"t{target_id}"
        for i in range(per_client):
            body = urlencode({f"{prefix}-recorded_on": f"{year}-06-15", f"{prefix}-amount": "1",
                              f"{prefix}-note": f"R36 {session.username} {i}"}).encode()
            try:
                status, _, _ = await session.conn.request(
                    "POST", f"/targets/{target_id}/progress", body, {"X-CSRFToken": session.csrf})
            except Exception as exc:  # noqa: BLE001
                status = type(exc).__name__
                session.conn.close()
            statuses[str(status)] = statuses.get(str(status), 0) + 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client(s) for s in sessions))
    elapsed = time.perf_counter() - t0
    for s in sessions:
        s.conn.close()
    after = progress_sum(server.db, target_id)
    return {"target": target_id, "expected": clients * per_client, "added": after - before,
            "statuses": statuses, "seconds": elapsed}


# ---------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="the scaled database (it is copied, never changed)")
    parser.add_argument("--only", choices=["s1", "s2", "r36"], action="append")
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=50)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--writes", type=float, default=0.2)
    parser.add_argument("--repeats", type=int, default=200, help="S2 samples")
    parser.add_argument("--clients", type=int, default=6, help="R36 P")
    parser.add_argument("--per-client", type=int, default=300, help="R36 N")
    parser.add_argument("--r36-workers", type=int, default=3)
    args = parser.parse_args()
    parts = args.only or ["s1", "s2", "r36"]
    ok = True

    def serve(kind: str, workers: int, name: str) -> Server:
        return start_server(args.db, kind, workers, args.threads, name)

    if "s1" in parts:
        server = serve(args.worker_class, args.workers, "s1")
        try:
            r = asyncio.run(s1(server, args.connections, args.seconds, args.max_requests, args.writes))
        finally:
            stop_server(server)
        locked, tracebacks = locked_lines(server), error_lines(server)
        print(f"S1 {args.worker_class} workers={args.workers}"
              + (f" threads={args.threads}" if args.worker_class == "gthread" else "")
              + f", {args.connections} connections, {r['seconds']:.1f} s")
        print(f"  requests {r['requests']} ({r['writes']} ticks)  {r['rps']:.0f} req/s  "
              f"p50 {r['p50']:.1f} ms  p95 {r['p95']:.1f} ms  p99 {r['p99']:.1f} ms  "
              f"(reads p95 {r['read_p95']:.1f}, ticks p95 {r['write_p95']:.1f})")
        print(f"  errors {sum(r['errors'].values())} {r['errors'] or ''}  server tracebacks {tracebacks}  "
              f"'database is locked' {locked}")
        ok &= (r["p95"] <= 50 and r["p99"] <= 100 and r["rps"] >= 1000 and not r["errors"] and not locked)
        shutil.rmtree(server.db.parent, ignore_errors=True)
    if "s2" in parts:
        server = serve(args.worker_class, args.workers, "s2")
        try:
            r = asyncio.run(s2(server, args.repeats))
        finally:
            stop_server(server)
        print(f"S2 unloaded, {args.repeats} samples each: checklist page p50 {r['checklist_p50']:.1f} / "
              f"p95 {r['checklist_p95']:.1f} ms; home p50 {r['home_p50']:.1f} / p95 {r['home_p95']:.1f} ms; "
              f"tick p50 {r['tick_p50']:.1f} / p95 {r['tick_p95']:.1f} ms")
        ok &= r["checklist_p95"] <= 5 and r["tick_p95"] <= 3
        shutil.rmtree(server.db.parent, ignore_errors=True)
    if "r36" in parts:
        server = serve("sync", args.r36_workers, "r36")
        try:
            r = asyncio.run(r36(server, args.clients, args.per_client))
        finally:
            stop_server(server)
        locked, tracebacks = locked_lines(server), error_lines(server)
        bad = sum(n for s, n in r["statuses"].items() if not s.isdigit() or int(s) >= 500)
        print(f"R36 sync workers={args.r36_workers}: {args.clients}×{args.per_client} '+1' on target "
              f"{r['target']} in {r['seconds']:.1f} s: added {r['added']} of {r['expected']} "
              f"(lost {r['expected'] - r['added']}), statuses {r['statuses']}, responses ≥ 500: {bad}, "
              f"tracebacks {tracebacks}, 'database is locked' {locked}")
        ok &= r["added"] == r["expected"] and not bad and not locked
        shutil.rmtree(server.db.parent, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
