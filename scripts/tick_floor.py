"""What a tick costs on this stack without our layers: the floor that S2's tick is measured against.

    .venv/bin/python scripts/tick_floor.py --db /tmp/scaled.db

Serves, with gunicorn's gevent worker as `make serve` does, a throwaway Flask app of one route that
does a tick's work the plainest way: the login row and the item's row with its task's counts in a
read transaction, then BEGIN IMMEDIATE, the conditional UPDATE, its trace row, the task's version,
the live event and the page counters, COMMIT (`synchronous=FULL`), the row and counter from an
f-string, brotli. All on `sqlite3`, with no SQLAlchemy, Flask-Login, Flask-WTF, Jinja or
Flask-Compress, and no CSRF check or signed cookie (the login is a bare session id). It prints the
server's CPU per tick as `bench.py` counts it (README, "Measured against BUDGETS.md"). A
measurement only: nothing of the app imports it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path

import brotli
from flask import Flask, Response, request
from markupsafe import escape

LOGIN = """SELECT s.ended_at, u.id, u.username, u.full_name, u.unit_id, n.short_name
FROM login_session s JOIN user u ON u.id = s.user_id JOIN unit n ON n.id = u.unit_id WHERE s.id = ?"""
LIVE = "FROM checklist_item l WHERE l.task_id = i.task_id AND l.removed_at IS NULL"
ITEM = f"""SELECT i.text, i.due_on, i.responsible, t.id, t.unit_id,
 (SELECT count(l.done_at) {LIVE}), (SELECT count(*) {LIVE}),
 (SELECT count(*) {LIVE} AND l.done_at IS NULL AND l.due_on < ?)
FROM checklist_item i JOIN task t ON t.id = i.task_id WHERE i.id = ? AND i.removed_at IS NULL"""
TICK = {
    True: "UPDATE checklist_item SET done_at = ?, done_by_id = ?, ticked_at = ?, ticked_by_id = ? "
          "WHERE id = ? AND removed_at IS NULL AND done_at IS NULL",
    False: "UPDATE checklist_item SET done_at = NULL, done_by_id = NULL, ticked_at = ?, ticked_by_id = ? "
           "WHERE id = ? AND removed_at IS NULL AND done_at IS NOT NULL",
}
SESSION_ID = "tick-floor"

app = Flask(__name__)
# One sqlite3 connection per greenlet (gevent patches threading.local): the client keeps one open.
_local = threading.local()


def _connection() -> sqlite3.Connection:
    found = getattr(_local, "connection", None)
    if found is None:
        found = _local.connection = sqlite3.connect(os.environ["TICK_FLOOR_DB"], isolation_level=None,
                                                    check_same_thread=False)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=10000", "synchronous=FULL"):
            found.execute("PRAGMA " + pragma)
    return found


@app.post("/items/<int:item_id>/toggle")
def toggle(item_id: int):
    db, want = _connection(), request.form.get("done") == "1"
    db.execute("BEGIN")
    user = db.execute(LOGIN, (request.cookies.get("sid"),)).fetchone()
    item = db.execute(ITEM, (datetime.now(UTC).date().isoformat(), item_id)).fetchone()
    db.execute("COMMIT")
    if user is None or user[0] is not None or item is None:
        return Response(status=404)
    user_id, unit_id, task_id = user[1], item[4], item[3]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    db.execute("BEGIN IMMEDIATE")
    params = (now, user_id, now, user_id, item_id) if want else (now, user_id, item_id)
    if db.execute(TICK[want], params).rowcount:
        db.execute("INSERT INTO change (at, user_id, unit_id, action, object_type, object_id, detail, ip) "
                   "VALUES (?, ?, ?, ?, 'checklist_item', ?, ?, ?)",
                   (now, user_id, user[4], "tick" if want else "untick", item_id,
                    json.dumps({"task_id": task_id}), request.remote_addr or ""))
        db.execute("UPDATE task SET changed_at = ?, changed_by_id = ?, version = version + 1 WHERE id = ?",
                   (now, user_id, task_id))
        db.execute("INSERT INTO live_event (task_id, unit_id, part, item_id, origin, at) "
                   "VALUES (?, ?, 'item', ?, '', ?)", (task_id, unit_id, item_id, now))
        db.execute("INSERT INTO data_version (scope, n) VALUES (?, 1), (?, 1) "
                   "ON CONFLICT (scope) DO UPDATE SET n = data_version.n + 1",
                   ("checklist", f"unit:{unit_id}"))
    db.execute("COMMIT")
    step = 1 if want else -1
    done, total, late = item[5] + step, item[6], item[7]
    row = (f'<li id="item-{item_id}" hx-get="/items/{item_id}" hx-trigger="sse:item-{item_id}">\n'
           f'<form method="post" action="/items/{item_id}/toggle" hx-post="/items/{item_id}/toggle" '
           'hx-target="closest li" hx-disabled-elt="find button" hx-include="#page-id">'
           f'<button class="tick" name="done" value="{int(not want)}" aria-pressed="{str(want).lower()}" '
           'aria-label="Xong"></button></form>\n'
           f'<div>{escape(item[0])}<br><small>Hạn {item[1]} · {escape(item[2])}<br>'
           f'Đánh dấu xong: {escape(user[5])} ({escape(user[3] or user[2])}), {now}</small> '
           f'<a href="/items/{item_id}/edit" hx-get="/items/{item_id}/edit" '
           f'hx-target="#item-{item_id}">Sửa</a></div>\n</li>\n')
    counter = (f'<div id="count-{task_id}" class="count" hx-swap-oob="true">'
               f'<progress max="{total}" value="{done}"></progress> <b>{done}/{total}</b> '
               f'<span class="late">{late} quá hạn</span></div>')
    return Response(brotli.compress((row + counter).encode(), quality=5),
                    headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "br",
                             "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench import ROOT, Server, copy_db, drop_copy, free_port, server_cpu, stop_server, wait_until_serving

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="the scaled SQLite database (scripts/scale_demo.py)")
    parser.add_argument("--ticks", type=int, default=600, help="ticks in each of three rounds")
    args = parser.parse_args()
    db = copy_db(args.db, "tick-floor")
    path = db.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as setup:
        user_id, unit_id = setup.execute("SELECT id, unit_id FROM user WHERE username = 'dv001'").fetchone()
        setup.execute("INSERT INTO login_session (id, user_id, created_at) VALUES (?, ?, ?)",
                      (SESSION_ID, user_id, datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")))
        done = dict(setup.execute(
            "SELECT i.id, i.done_at IS NOT NULL FROM checklist_item i JOIN task t ON t.id = i.task_id "
            "WHERE t.unit_id = ? AND i.removed_at IS NULL LIMIT 30", (unit_id,)).fetchall())
    port, log = free_port(), db.folder / "server.log"
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--worker-class", "gevent", "--workers", "2",
         "--worker-connections", "1000", "--bind", f"127.0.0.1:{port}", "--error-logfile", str(log),
         "--chdir", str(Path(__file__).parent), "tick_floor:app"],
        env=dict(os.environ, TICK_FLOOR_DB=path), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        start_new_session=True)
    server = wait_until_serving(Server(proc, port, log, db))
    try:
        client = HTTPConnection("127.0.0.1", port)

        def tick() -> None:
            item = random.choice(list(done))
            client.request("POST", f"/items/{item}/toggle", body=f"done={int(not done[item])}",
                           headers={"Cookie": f"sid={SESSION_ID}", "HX-Request": "true",
                                    "Accept-Encoding": "br",
                                    "Content-Type": "application/x-www-form-urlencoded"})
            answer = client.getresponse()
            answer.read()
            if answer.status != 200:
                raise SystemExit(f"the floor's tick answered {answer.status}")
            done[item] = not done[item]

        for _ in range(100):  # warm-up
            tick()
        for _ in range(3):
            before = server_cpu(server)
            for _ in range(args.ticks):
                tick()
            print(f"floor tick: {(server_cpu(server) - before) * 1000 / args.ticks:.2f} ms CPU per request")
    finally:
        stop_server(server)
        drop_copy(db)


if __name__ == "__main__":
    main()
