"""Server benchmark for BUDGETS.md S1 and S2, and the R36 lost-update harness (TRUST.md).

    .venv/bin/python scripts/bench.py --db /tmp/scaled.db            # S1 + S2 + R36
    .venv/bin/python scripts/bench.py --db /tmp/scaled.db --only s1 --worker-class sync --workers 2
    .venv/bin/python scripts/bench.py --database-url postgresql+psycopg://danvan:danvan@127.0.0.1/scaled

Build the database first with `scripts/scale_demo.py` (with `DATABASE_URL` set for PostgreSQL:
BUDGETS.md S5). Each part serves a COPY of it (SQLite's backup API; PostgreSQL's `CREATE DATABASE
… TEMPLATE`, dropped at the end) with
gunicorn on 127.0.0.1 (a free port), logs in one session per unit (dv001, dv002, … with the
demo password) and drives it with a small asyncio HTTP/1.1 client (keep-alive, one session per
connection, `Accept-Encoding: br, gzip` like a browser):

- S1: C connections (default 50) for T seconds or R requests, 80 % reads (a unit's home page,
  its checklist, the mô hình page of the latest plan, the province view) and 20 % writes
  (checklist ticks of the connection's own unit: POST /items/<id>/toggle, X-CSRFToken header).
  Prints req/s, p50/p95/p99 (of all, and of each kind of request), errors, and the "database is
  locked" lines of the server log.
- S2: one client, no load: CPU per request and wall p50/p95 of each page sent again, of a tick,
  and of each page right after a tick of the reader's unit (renewed: the ticked task read again).
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

from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-danvan"
CSRF_FIELD = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
CSRF_HEADER = re.compile(r'X-CSRFToken&#34;: &#34;([^&]+)&#34;|"X-CSRFToken": "([^"]+)"')
UNITS = 180  # logins dv001… of the ×10 data; connections past it share a unit's login
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
    db: Copy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Copy:
    """A copy of the scaled database that one part of the benchmark may change, and its folder for logs."""

    url: str
    folder: Path

    def read(self, sql: str, **params):
        """Return the first row of a query (read-only, named parameters) on the copy."""
        engine = create_engine(self.url)
        try:
            with engine.connect() as c:
                return c.execute(text(sql), params).first()
        finally:
            engine.dispose()


def copy_db(source: str, name: str) -> Copy:
    """Return a consistent copy of the database `source` (a SQLite path or a PostgreSQL URL)."""
    folder = Path(tempfile.mkdtemp(prefix=f"perf-{name}-"))
    if "://" not in source:
        target = folder / "bench.db"
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return Copy(f"sqlite:///{target}", folder)
    url = make_url(source)
    copy = f"bench_{name}_{os.getpid()}"
    # Identifiers cannot be bound parameters: both names are checked to be plain words first.
    if not re.fullmatch(r"\w+", url.database or ""):
        raise SystemExit(f"not a plain database name: {url.database!r}")
    _on_server(url, f'CREATE DATABASE "{copy}" TEMPLATE "{url.database}"')
    return Copy(url.set(database=copy).render_as_string(hide_password=False), folder)


def drop_copy(db: Copy) -> None:
    url = make_url(db.url)
    if url.get_backend_name() == "postgresql":
        _on_server(url, f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    shutil.rmtree(db.folder, ignore_errors=True)


def _on_server(url, statement: str) -> None:
    """Run a statement that must be alone outside a transaction (CREATE/DROP DATABASE) on `postgres`."""
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as c:
            c.execute(text(statement))
    finally:
        engine.dispose()


def start_server(source: str, worker_class: str, workers: int, threads: int, name: str) -> Server:
    db = copy_db(source, name)
    port = free_port()
    log = db.folder / "server.log"
    env = dict(os.environ, DATABASE_URL=db.url, SECRET_KEY="bench-" + "k" * 40)
    env.pop("DANVAN_ENV", None)
    # As `make serve` does: the copy gets this checkout's migrations first.
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "app", "db", "upgrade"], env=env, cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "--worker-class", worker_class, "--workers", str(workers),
           "--bind", f"127.0.0.1:{port}", "--error-logfile", str(log), "--log-level", "warning",
           "--chdir", str(ROOT), "app:app"]
    if worker_class == "gthread":
        cmd[3:3] = ["--threads", str(threads)]
    elif worker_class == "gevent":
        cmd[3:3] = ["--worker-connections", "1000"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)
    return wait_until_serving(Server(proc, port, log, db))


def wait_until_serving(server: Server) -> Server:
    """Return the server once it accepts connections; stop it and drop its copy if it never does."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    stop_server(server)
    drop_copy(server.db)
    raise SystemExit("gunicorn did not start")


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        os.killpg(server.proc.pid, signal.SIGTERM)
        try:
            server.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait()


def server_cpu(server: Server) -> float:
    """Return the CPU seconds (utime + stime) the server's processes have used so far.

    On PostgreSQL the database's own processes (all of this machine's `postgres` processes: the
    benchmark is alone on it) are counted too, as SQLite's work is inside the app's processes.
    """
    tick = os.sysconf("SC_CLK_TCK")
    with_database = server.db.url.startswith("postgresql")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name, rest = (entry / "stat").read_text().split(" (", 1)[1].rsplit(")", 1)
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        fields = rest.split()
        # Process group: gunicorn and its workers.
        if int(fields[2]) == server.proc.pid or (with_database and name == "postgres"):
            total += int(fields[11]) + int(fields[12])
    return total / tick


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


def latest_plan(db: Copy) -> int:
    return db.read("SELECT id FROM plan WHERE parent_plan_id IS NULL ORDER BY year DESC, id LIMIT 1")[0]


# ---------------------------------------------------------------- S1

async def s1(server: Server, connections: int, seconds: float, max_requests: int, writes: float) -> dict:
    plan_id = latest_plan(server.db)
    names = [f"dv{n % UNITS + 1:03d}" for n in range(connections)]
    sessions = []
    for batch in range(0, connections, 50):  # not 200 logins at once: that is not what S1 measures
        sessions += await asyncio.gather(*(log_in(server.port, n) for n in names[batch:batch + 50]))
    # One warm-up round so that template compilation is not measured.
    for s in sessions[:4]:
        for path in ("/", f"/units/{s.unit_id}/checklist", f"/plans/{plan_id}/initiatives", "/province"):
            await s.conn.request("GET", path)
    # Per kind of request, so the mix's p95 can be told apart: which pages wait, and whether ticks do.
    reads = list(read_paths(0, plan_id))
    latencies: dict[str, list[float]] = {kind: [] for kind in [*reads, "tick"]}
    errors: dict[str, int] = {}
    sent = 0
    stop_at = time.monotonic() + seconds
    rnd = random.Random(1)

    async def worker(session: Session):
        nonlocal sent
        paths = read_paths(session.unit_id, plan_id)
        while time.monotonic() < stop_at and sent < max_requests:
            sent += 1
            if rnd.random() < writes and session.items:
                kind = "tick"
                call = tick(session)
            else:
                kind = rnd.choice(reads)
                call = session.conn.request("GET", paths[kind])
            t0 = time.perf_counter()
            try:
                status, _, _ = await call
            except Exception as exc:  # noqa: BLE001  (a reset connection is an error, counted)
                status = type(exc).__name__
                session.conn.close()
            latencies[kind].append((time.perf_counter() - t0) * 1000)
            if status != 200:
                errors[str(status)] = errors.get(str(status), 0) + 1

    cpu0 = server_cpu(server)
    t0 = time.perf_counter()
    await asyncio.gather(*(worker(s) for s in sessions))
    elapsed = time.perf_counter() - t0
    cpu = server_cpu(server) - cpu0
    for s in sessions:
        s.conn.close()
    everything = [ms for kind in latencies.values() for ms in kind]
    return {
        "requests": len(everything), "seconds": elapsed, "rps": len(everything) / elapsed,
        "p50": pct(everything, 50), "p95": pct(everything, 95), "p99": pct(everything, 99),
        "kinds": {kind: (len(v), pct(v, 50), pct(v, 95), pct(v, 99)) for kind, v in latencies.items()},
        "writes": len(latencies["tick"]), "errors": errors,
        "cpu_ms": cpu * 1000 / max(1, len(everything)),
    }


# ---------------------------------------------------------------- S2

def read_paths(unit_id: int, plan_id: int) -> dict[str, str]:
    return {"home": "/", "checklist": f"/units/{unit_id}/checklist",
            "initiatives": f"/plans/{plan_id}/initiatives", "province": "/province"}


async def s2(server: Server, repeats: int) -> dict:
    """One client, no load: CPU per request and wall p50/p95 of each page and of a tick."""
    session = await log_in(server.port, "dv001")
    paths = read_paths(session.unit_id, latest_plan(server.db))
    for _ in range(20):  # warm-up: templates compiled, caches filled, connections opened
        for path in paths.values():
            await session.conn.request("GET", path)
        await tick(session)
    result = {}
    for kind in [*paths, "tick"]:
        wall = []
        cpu0 = server_cpu(server)
        for _ in range(repeats):
            t0 = time.perf_counter()
            if kind == "tick":
                status, _, _ = await tick(session)
            else:
                status, _, _ = await session.conn.request("GET", paths[kind])
            wall.append((time.perf_counter() - t0) * 1000)
            assert status == 200, (kind, status)
        result[kind] = {"cpu_ms": (server_cpu(server) - cpu0) * 1000 / repeats,
                        "p50": pct(wall, 50), "p95": pct(wall, 95)}
    # The same pages each right after a tick of the reader's unit (what the 80/20 mix meets): the
    # page is renewed, and what the tick changed is read and rendered again. CPU of the pair
    # less that of a tick alone.
    for kind in paths:
        wall = []
        cpu0 = server_cpu(server)
        for _ in range(repeats):
            await tick(session)
            t0 = time.perf_counter()
            status, _, _ = await session.conn.request("GET", paths[kind])
            wall.append((time.perf_counter() - t0) * 1000)
            assert status == 200, (kind, status)
        result[f"{kind} after a tick"] = {
            "cpu_ms": (server_cpu(server) - cpu0) * 1000 / repeats - result["tick"]["cpu_ms"],
            "p50": pct(wall, 50), "p95": pct(wall, 95)}
    session.conn.close()
    return result


# ---------------------------------------------------------------- S4: open live pages

async def open_stream(port: int, cookies: dict[str, str]) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    writer.write(f"GET /live HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 200 " not in head.split(b"\r\n", 1)[0]:
        raise SystemExit(f"/live answered {head[:40]!r}")
    return reader, writer


async def s4(server: Server, streams: int, idle_seconds: float, connections: int) -> dict:
    """Open `streams` live pages; measure idle CPU, how long one tick takes to reach them all,
    and page requests served meanwhile (the S1 mix at `connections`)."""
    opener = await log_in(server.port, "dv001")
    opened = await asyncio.gather(*(open_stream(server.port, opener.conn.cookies) for _ in range(streams)))
    await asyncio.sleep(3)  # the streams' first bytes (retry:) and any start-up work settle
    for reader, _ in opened:
        while True:  # drain what arrived so far
            try:
                await asyncio.wait_for(reader.read(65536), 0.001)
            except TimeoutError:
                break
    cpu0 = server_cpu(server)
    await asyncio.sleep(idle_seconds)
    idle = (server_cpu(server) - cpu0) / idle_seconds * 100

    async def hears(reader) -> float:
        while True:
            chunk = await reader.readuntil(b"\n\n")
            if b"event: item-" in chunk:
                return time.perf_counter()

    waiting = [asyncio.ensure_future(hears(r)) for r, _ in opened]
    t0 = time.perf_counter()
    status, _, _ = await tick(opener)
    try:
        heard = await asyncio.wait_for(asyncio.gather(*waiting), 15)
        reach = max(heard) - t0
    except TimeoutError:
        reach = float("inf")
    load = await s1(server, connections, 10, 100_000, 0.2)
    for _, writer in opened:
        writer.close()
    opener.conn.close()
    return {"idle_core_pct": idle, "reach_s": reach, "tick_status": status, "load": load}


# ---------------------------------------------------------------- R36

def progress_target(db: Copy, usernames: list[str]) -> tuple[int, str]:
    """Return a count target of the latest plan every one of these units has a share of, and its year."""
    marks = ",".join(f":u{i}" for i in range(len(usernames)))  # only placeholders are formatted in
    row = db.read(
        f"""SELECT t.id, p.year FROM target t JOIN initiative i ON i.id = t.initiative_id
            JOIN plan p ON p.id = i.plan_id JOIN allocation a ON a.target_id = t.id
            JOIN "user" u ON u.unit_id = a.unit_id
            WHERE t.measure = 'child' AND p.parent_plan_id IS NULL AND u.username IN ({marks})
            GROUP BY t.id, p.year HAVING count(DISTINCT u.id) = :n ORDER BY p.year DESC LIMIT 1""",
        n=len(usernames), **{f"u{i}": name for i, name in enumerate(usernames)})
    return row[0], str(row[1])


def progress_sum(db: Copy, target_id: int) -> int:
    return db.read("SELECT coalesce(sum(amount), 0) FROM progress_entry WHERE target_id = :t", t=target_id)[0]


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

def serve_command() -> tuple[str, int]:
    """Return the worker class and threads `make serve` runs, so the default measures what is deployed."""
    makefile = (ROOT / "Makefile").read_text()
    worker = re.search(r"--worker-class (\w+)", makefile).group(1)
    threads = re.search(r"--threads (\d+)", makefile)
    return worker, int(threads.group(1)) if threads else 1


def main() -> int:
    worker, threads = serve_command()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", type=Path, help="the scaled SQLite database (it is copied, never changed)")
    source.add_argument("--database-url", help="the scaled PostgreSQL database (copied, never changed)")
    parser.add_argument("--only", choices=["s1", "s2", "s4", "r36"], action="append")
    parser.add_argument("--worker-class", default=worker, help=f"default: as make serve ({worker})")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=threads)
    parser.add_argument("--connections", default="8,50,200", help="S1 sweep, comma-separated")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--writes", type=float, default=0.2)
    parser.add_argument("--repeats", type=int, default=300, help="S2 samples of each request")
    parser.add_argument("--streams", type=int, default=500, help="S4 open live pages")
    parser.add_argument("--idle-seconds", type=float, default=30, help="S4 idle measurement")
    parser.add_argument("--clients", type=int, default=6, help="R36 P")
    parser.add_argument("--per-client", type=int, default=300, help="R36 N")
    parser.add_argument("--r36-workers", type=int, default=3)
    args = parser.parse_args()
    parts = args.only or ["s1", "s2", "s4", "r36"]
    ok = True
    engine = "PostgreSQL (CPU: the app's and the database's processes)" if args.database_url else "SQLite"
    config = f"{engine}, {args.worker_class} workers={args.workers}" + (
        f" threads={args.threads}" if args.worker_class == "gthread" else "")

    def serve(kind: str, workers: int, name: str) -> Server:
        return start_server(args.database_url or str(args.db), kind, workers, args.threads, name)

    def finish(server: Server) -> tuple[int, int]:
        stop_server(server)
        counts = locked_lines(server), error_lines(server)
        drop_copy(server.db)
        return counts

    if "s1" in parts:
        print(f"S1 {config}, 80/20 mix, {args.seconds:.0f} s each")
        print("  conns   req/s   p50 ms   p95 ms   p99 ms  CPU ms/req  ticks  errors  locked  tracebacks")
        for connections in (int(c) for c in args.connections.split(",")):
            server = serve(args.worker_class, args.workers, "s1")
            try:
                r = asyncio.run(s1(server, connections, args.seconds, args.max_requests, args.writes))
            finally:
                locked, tracebacks = finish(server)
            print(f"  {connections:5d} {r['rps']:7.0f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} "
                  f"{r['cpu_ms']:11.2f} {r['writes']:6d} {sum(r['errors'].values()):7d} {locked:7d} "
                  f"{tracebacks:11d}  {r['errors'] or ''}")
            print("        " + "; ".join(f"{kind} {n} p50/p95/p99 {p50:.0f}/{p95:.0f}/{p99:.0f}"
                                      for kind, (n, p50, p95, p99) in r["kinds"].items()))
            ok &= not r["errors"] and not locked
            if connections == 50:
                ok &= r["p95"] <= 50 and r["p99"] <= 100 and r["rps"] >= 1000
    if "s2" in parts:
        server = serve(args.worker_class, args.workers, "s2")
        try:
            r = asyncio.run(s2(server, args.repeats))
        finally:
            finish(server)
        print(f"S2 {config}, unloaded, one client, {args.repeats} requests each")
        print("  request                    CPU ms/req   wall p50 ms   wall p95 ms")
        for kind, m in r.items():
            print(f"  {kind:25s} {m['cpu_ms']:11.2f} {m['p50']:13.1f} {m['p95']:13.1f}")
        # BUDGETS.md S2 holds for a page as sent again and for the tick; after a tick is reported.
        budget = {"province": 5}
        ok &= all(m["cpu_ms"] <= budget.get(kind, 2) for kind, m in r.items() if "after" not in kind)
    if "s4" in parts:
        server = serve(args.worker_class, args.workers, "s4")
        try:
            r = asyncio.run(s4(server, args.streams, args.idle_seconds, 50))
        finally:
            locked, tracebacks = finish(server)
        load = r["load"]
        print(f"S4 {config}: {args.streams} open live pages, idle {r['idle_core_pct']:.1f} % of one core "
              f"over {args.idle_seconds:.0f} s; one tick reached all of them in {r['reach_s']:.2f} s; "
              f"meanwhile the 50-connection mix: {load['rps']:.0f} req/s, p95 {load['p95']:.1f} ms, "
              f"errors {sum(load['errors'].values())}, 'database is locked' {locked}, tracebacks {tracebacks}")
        ok &= r["idle_core_pct"] <= 5 and r["reach_s"] <= 2 and not load["errors"] and not locked
    if "r36" in parts:
        server = serve("sync", args.r36_workers, "r36")
        try:
            r = asyncio.run(r36(server, args.clients, args.per_client))
        finally:
            locked, tracebacks = finish(server)
        bad = sum(n for s, n in r["statuses"].items() if not s.isdigit() or int(s) >= 500)
        print(f"R36 {engine}, sync workers={args.r36_workers}: {args.clients}×{args.per_client} '+1' "
              f"on target "
              f"{r['target']} in {r['seconds']:.1f} s: added {r['added']} of {r['expected']} "
              f"(lost {r['expected'] - r['added']}), statuses {r['statuses']}, responses ≥ 500: {bad}, "
              f"tracebacks {tracebacks}, 'database is locked' {locked}")
        ok &= r["added"] == r["expected"] and not bad and not locked
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
