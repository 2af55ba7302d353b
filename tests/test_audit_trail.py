"""The trace (TRUST.md R41): append-only in the database, one row per write, no secrets in logs."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from danvan.extensions import db
from danvan.orm import Change
from tests.conftest import PASSWORD, csrf_token_from, make_app


def test_change_rows_cannot_be_updated_or_deleted(app):
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Change.id))) > 0
        for statement in ("UPDATE change SET action = 'x'", "DELETE FROM change"):
            with pytest.raises(DatabaseError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        # Adding stays possible: that is what every write does.
        db.session.add(Change(action="test", object_type="test", object_id=None))
        db.session.commit()


def test_orm_delete_of_a_change_row_fails_too(app):
    with app.app_context():
        change = db.session.scalar(db.select(Change).limit(1))
        db.session.delete(change)
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.commit()
        db.session.rollback()


def test_logs_of_login_and_password_change_hold_no_secrets(db_url, caplog):
    """Password, session cookie and CSRF token never reach the log, even on failures."""
    app = make_app(db_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    new_password = "một mật khẩu mới rất dài 2025"
    secrets = {PASSWORD, new_password, "wrong-password-x1"}
    with caplog.at_level(logging.DEBUG):
        token = csrf_token_from(client.get("/login").text)
        secrets.add(token)
        client.post("/login", data={"username": "canglong", "password": "wrong-password-x1", "csrf_token": token})
        client.post("/login", data={"username": "canglong", "password": PASSWORD, "csrf_token": "forged"})
        client.post("/login", data={"username": "canglong", "password": PASSWORD, "csrf_token": token})
        secrets.add(client.get_cookie("session").value)
        page = client.get("/account/password").text
        token = csrf_token_from(page)
        secrets.add(token)
        response = client.post("/account/password", data={
            "current": PASSWORD, "new": new_password, "confirm": new_password, "csrf_token": token})
        assert response.status_code == 302
        client.post("/account/password", data={"current": "wrong-password-x1", "new": new_password,
                                                "confirm": new_password})
    logged = "\n".join(r.getMessage() + " " + repr(r.args) for r in caplog.records)
    for secret in secrets:
        assert secret not in logged
    with app.app_context():
        details = " ".join(db.session.scalars(db.select(Change.detail)))
    for secret in secrets:
        assert secret not in details
