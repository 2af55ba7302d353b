"""With CSRF protection on, as in production: every write needs the session's token."""

import pytest

from tests.conftest import PASSWORD, csrf_token_from, make_app


@pytest.fixture
def csrf_client(db_url):
    app = make_app(db_url, WTF_CSRF_ENABLED=True)
    return app.test_client()


def login(client):
    token = csrf_token_from(client.get("/login").text)
    response = client.post("/login", data={"username": "canglong", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return csrf_token_from(client.get("/").text)


def test_login_without_token_is_refused(csrf_client):
    response = csrf_client.post("/login", data={"username": "canglong", "password": PASSWORD})
    assert response.status_code == 400
    assert "tải lại trang" in response.text


@pytest.mark.parametrize("bad", ["", "x", "truncated", "flipped"])
def test_logout_with_a_bad_token_is_refused(csrf_client, bad):
    token = login(csrf_client)
    value = {"": "", "x": "x", "truncated": token[:-4], "flipped": ("A" if token[0] != "A" else "B") + token[1:]}[bad]
    assert csrf_client.post("/logout", data={"csrf_token": value}).status_code == 400
    assert csrf_client.get("/").status_code == 200


def test_token_from_another_session_is_refused(db_url):
    app = make_app(db_url, WTF_CSRF_ENABLED=True)
    a, b = app.test_client(), app.test_client()
    login(a)
    token_b = login(b)
    assert a.post("/logout", data={"csrf_token": token_b}).status_code == 400


def test_token_in_form_or_header_is_accepted(csrf_client):
    token = login(csrf_client)
    assert csrf_client.post("/logout", headers={"X-CSRFToken": token}).status_code == 302
    token = login(csrf_client)
    assert csrf_client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_stale_token_on_an_htmx_request_refreshes_the_page(csrf_client):
    login(csrf_client)
    response = csrf_client.post("/logout", headers={"HX-Request": "true", "X-CSRFToken": "stale"})
    assert response.status_code == 204
    assert response.headers["HX-Refresh"] == "true"
