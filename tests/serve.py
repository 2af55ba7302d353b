"""Serve the app in a process of its own, for tests that need several app servers on one database.

    python -m tests.serve DATABASE_URL     # prints the port, then serves until killed

Every such server shares the test secret key, so a session cookie from one is valid on another.
"""

from __future__ import annotations

import sys

from argon2 import PasswordHasher
from werkzeug.serving import make_server

from danvan import create_app
from danvan.auth import passwords

SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"


def main() -> None:
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[1], "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": SECRET_KEY, "LIVE_STREAM_SECONDS": 10, "LIVE_POLL_SECONDS": 0.2,
        "LIVE_KEEPALIVE_SECONDS": 5,
    })
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
