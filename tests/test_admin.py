"""Administration: the organisation tree and the logins, for administrators only."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from sqlalchemy.orm import selectinload

from danvan.admin.queries import open_units
from danvan.extensions import db
from danvan.orm import Change, LoginSession, Unit, UnitKind, User
from tests import helpers
from tests.conftest import HX, PASSWORD
from tests.factories import make_unit, make_user, unit_by_name, user_by_name

CANG_LONG = "Huyện đoàn Càng Long"


def ids(app, unit_name=CANG_LONG, username="canglong"):
    with app.app_context():
        return unit_by_name(unit_name).id, user_by_name(username).id


def snapshot(app):
    """Everything an admin endpoint could change, as plain values."""
    return helpers.snapshot(
        app,
        db.select(Unit.id, Unit.name, Unit.short_name, Unit.kind, Unit.parent_id, Unit.closed_on).order_by(Unit.id),
        db.select(User.id, User.username, User.full_name, User.unit_id, User.is_admin, User.active,
                  User.password_hash).order_by(User.id),
        db.select(LoginSession.id, LoginSession.ended_at).order_by(LoginSession.id),
        db.select(db.func.count(Change.id)).where(Change.action != "login"),
    )


def last_change(app, action):
    with app.app_context():
        return db.session.scalar(db.select(Change).where(Change.action == action)
                                 .order_by(Change.id.desc()).options(selectinload(Change.user)))


def unit_form(**overrides):
    data = {"name": "Đoàn Bệnh viện Đa khoa tỉnh", "short_name": "Đoàn BVĐK tỉnh",
            "kind": "affiliated", "parent_id": "1"}
    data.update(overrides)
    return data


def logged_in_client(app, login_as, username):
    return login_as(username, test_client=app.test_client())


# --- units -------------------------------------------------------------------------------


def test_units_page_shows_the_tree_with_kinds_logins_and_vietnamese_order(client, login_as):
    login_as("admin")
    page = client.get("/admin/units")
    assert page.status_code == 200 and "<html" in page.text
    text = page.text
    for label in ["Tỉnh đoàn", "Huyện, Thị, Thành đoàn", "Đoàn trực thuộc", "Cơ quan bên ngoài",
                  "Chi đoàn cơ quan", "Công đoàn cơ sở", "Ban Thường vụ"]:
        assert f'<span class="tag">{label}</span>' in text
    # Vietnamese order: "Cầu" before "Châu" (code-point order would put "Châu" first).
    order = ["Huyện đoàn Càng Long", "Huyện đoàn Cầu Kè", "Huyện đoàn Cầu Ngang", "Huyện đoàn Châu Thành",
             "Huyện đoàn Duyên Hải", "Huyện đoàn Tiểu Cần", "Huyện đoàn Trà Cú", "Thành đoàn Trà Vinh",
             "Thị đoàn Duyên Hải"]
    positions = [text.index(f">{name}</a>") for name in order]
    assert positions == sorted(positions)
    # The province union comes first and its units are indented below it.
    assert re.search(r'<li class="d0">\s*<a [^>]*>Tỉnh đoàn Trà Vinh</a>', text)
    assert re.search(r'<li class="d1">\s*<a [^>]*>Huyện đoàn Càng Long</a>', text)
    assert "1 tài khoản" in text and "0 tài khoản" in text


def test_admin_adds_a_unit_and_the_trace_records_it(app, client, login_as):
    login_as("admin")
    response = client.post("/admin/units", data=unit_form())
    assert response.status_code == 302 and response.headers["Location"] == "/admin/units"
    page = client.get("/admin/units").text
    assert "Đã thêm đơn vị Đoàn Bệnh viện Đa khoa tỉnh." in page
    assert re.search(r'<li class="d1">\s*<a [^>]*>Đoàn Bệnh viện Đa khoa tỉnh</a>', page)
    with app.app_context():
        unit = unit_by_name("Đoàn Bệnh viện Đa khoa tỉnh")
        assert unit.kind is UnitKind.AFFILIATED and unit.parent_id == 1 and unit.closed_on is None
        change = db.session.scalar(db.select(Change).where(Change.action == "unit_create"))
        assert change.object_id == unit.id and change.user.username == "admin"
        assert '"after": {"name": "Đoàn Bệnh viện Đa khoa tỉnh"' in change.detail


def test_add_unit_with_htmx_returns_the_tree_fragment(client, login_as):
    login_as("admin")
    response = client.post("/admin/units", data=unit_form(), headers=HX)
    assert response.status_code == 200
    assert "<html" not in response.text and response.text.lstrip().startswith('<div id="units">')
    assert "Đã thêm đơn vị Đoàn Bệnh viện Đa khoa tỉnh." in response.text
    assert ">Đoàn Bệnh viện Đa khoa tỉnh</a>" in response.text


@pytest.mark.parametrize(
    ("name", "why"),
    [
        (CANG_LONG, "same"),
        (unicodedata.normalize("NFD", CANG_LONG), "decomposed"),
        ("huyện đoàn càng long", "case"),
        ("  Huyện   đoàn Càng\u200bLong ", "spaces"),
    ],
)
def test_a_duplicate_unit_name_is_refused_and_nothing_stored(app, client, login_as, name, why):
    login_as("admin")
    if why == "spaces":
        name = "  Huyện   đoàn Càng Long "
    before = snapshot(app)
    for headers in ({}, HX):
        response = client.post("/admin/units", data=unit_form(name=name, short_name="Mới"), headers=headers)
        assert response.status_code == 200
        assert "Đã có một đơn vị đang hoạt động mang tên này." in response.text
        assert 'value="Đoàn BVĐK tỉnh"' not in response.text  # short name field keeps "Mới"
        assert 'value="Mới"' in response.text
        assert ("<html" in response.text) is (headers == {})
    assert snapshot(app) == before


def test_bad_unit_input_gets_vietnamese_messages_beside_the_fields(app, client, login_as):
    login_as("admin")
    before = snapshot(app)
    response = client.post("/admin/units", data={"name": "", "short_name": "x" * 81, "kind": "nonsense",
                                                  "parent_id": "abc"})
    assert response.status_code == 200
    assert "Vui lòng nhập mục này." in response.text
    assert "Tối đa 80 ký tự." in response.text
    assert "Not a valid choice" not in response.text
    assert "Vui lòng chọn một mục trong danh sách." in response.text
    assert "Vui lòng chọn loại đơn vị." in client.post("/admin/units", data=unit_form(kind="")).text
    assert "Đơn vị cấp trên không tồn tại." in response.text
    response = client.post("/admin/units", data=unit_form(parent_id="999999"))
    assert "Đơn vị cấp trên không tồn tại." in response.text
    assert snapshot(app) == before


def test_admin_renames_a_unit_and_old_plans_still_point_at_it(app, client, login_as):
    unit_id, _ = ids(app)
    login_as("admin")
    response = client.post(f"/admin/units/{unit_id}/edit", data=unit_form(
        name="Đoàn xã Càng Long", short_name="Đoàn xã Càng Long", kind="district", parent_id="1"))
    assert response.status_code == 302 and response.headers["Location"] == "/admin/units"
    change = last_change(app, "unit_edit")
    assert '"before": {"name": "Huyện đoàn Càng Long"' in change.detail
    assert '"after": {"name": "Đoàn xã Càng Long"' in change.detail
    district = logged_in_client(app, login_as, "canglong")
    home = district.get("/").text
    assert "<h1>Đoàn xã Càng Long</h1>" in home
    assert "Xây dựng kế hoạch, mô hình của đơn vị" in home  # its tasks of plan 382 are still its own
    assert district.get("/plans/1").status_code == 200


def test_unit_page_and_its_htmx_fragments(app, client, login_as):
    unit_id, _ = ids(app)
    login_as("admin")
    page = client.get(f"/admin/units/{unit_id}")
    assert page.status_code == 200 and "<html" in page.text and "<h1>Huyện đoàn Càng Long</h1>" in page.text
    assert 'value="Huyện đoàn Càng Long"' in page.text
    response = client.post(f"/admin/units/{unit_id}/edit", headers=HX,
                           data=unit_form(name="Huyện đoàn Càng Long mới", short_name="Càng Long",
                                          kind="district"))
    assert response.status_code == 200 and "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="unit">')
    assert "<h1>Huyện đoàn Càng Long mới</h1>" in response.text and "Đã lưu đơn vị" in response.text


def test_a_unit_cannot_become_its_own_ancestor(app, client, login_as):
    province_id, _ = ids(app, "Tỉnh đoàn Trà Vinh")
    district_id, _ = ids(app)
    login_as("admin")
    before = snapshot(app)
    for parent in (district_id, province_id):
        for headers in ({}, HX):
            response = client.post(f"/admin/units/{province_id}/edit", headers=headers, data=unit_form(
                name="Tỉnh đoàn Trà Vinh", short_name="Tỉnh đoàn", kind="province", parent_id=str(parent)))
            assert response.status_code == 200
            assert "Không thể đặt đơn vị trực thuộc chính nó hoặc đơn vị cấp dưới của nó." in response.text
    assert snapshot(app) == before
    # Neither the unit nor any unit below it is offered as its parent.
    page = client.get(f"/admin/units/{province_id}").text
    parent_select = page[page.index('id="parent_id"'):page.index("</select>", page.index('id="parent_id"'))]
    assert "Huyện đoàn Càng Long" not in parent_select and "Ban Dân vận Tỉnh ủy" in parent_select


def test_renaming_a_unit_to_another_open_units_name_is_refused(app, client, login_as):
    unit_id, _ = ids(app)
    login_as("admin")
    before = snapshot(app)
    response = client.post(f"/admin/units/{unit_id}/edit", data=unit_form(
        name=unicodedata.normalize("NFD", "Huyện đoàn Cầu Kè"), short_name="Càng Long", kind="district"))
    assert "Đã có một đơn vị đang hoạt động mang tên này." in response.text
    assert snapshot(app) == before


def test_closing_a_unit_disables_its_logins_and_ends_their_sessions_now(app, client, login_as):
    unit_id, user_id = ids(app)
    district = logged_in_client(app, login_as, "canglong")
    assert district.get("/").status_code == 200
    login_as("admin")
    response = client.post(f"/admin/units/{unit_id}/close", data={"closed_on": "2021-12-01"})
    assert response.status_code == 302
    # The district's next request is sent to the login page, and it cannot log in again.
    after = district.get("/")
    assert after.status_code == 302 and after.headers["Location"].startswith("/login")
    assert district.post("/login", data={"username": "canglong", "password": PASSWORD}).status_code == 200
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        assert unit.closed_on == date(2021, 12, 1)
        assert db.session.get(User, user_id).active is False
        assert all(s.ended_at for s in db.session.scalars(db.select(LoginSession).where(
            LoginSession.user_id == user_id)))
        assert unit_id not in [u.id for u in open_units()]
        assert len(open_units()) == db.session.scalar(db.select(db.func.count(Unit.id))) - 1
    page = client.get("/admin/units").text
    assert re.search(r'<li class="d1 closed">\s*<a [^>]*>Huyện đoàn Càng Long</a>', page)
    assert "ngừng hoạt động từ 01/12/2021" in page
    change = last_change(app, "unit_close")
    assert change.object_id == unit_id and '"disabled_logins": ["canglong"]' in change.detail


def test_closing_a_unit_with_htmx_returns_the_unit_fragment(app, client, login_as):
    unit_id, _ = ids(app)
    login_as("admin")
    response = client.post(f"/admin/units/{unit_id}/close", data={"closed_on": "01/12/2021"}, headers=HX)
    assert response.status_code == 200 and "<html" not in response.text
    assert "ngừng hoạt động từ 01/12/2021" in response.text and "Mở lại đơn vị" in response.text


@pytest.mark.parametrize(
    ("unit_name", "closed_on", "message"),
    [
        (CANG_LONG, "", "Vui lòng nhập mục này."),
        (CANG_LONG, "31/02/2025", "Ngày không hợp lệ. Nhập như 22/06/2021."),
        (CANG_LONG, "2099-01-01", "Ngày ngừng hoạt động không được sau hôm nay."),
        ("Tỉnh đoàn Trà Vinh", "2021-12-01", "đơn vị trực thuộc đang hoạt động"),
        ("Văn phòng Tỉnh đoàn", "2021-12-01", "không thể tự khóa mình"),
    ],
)
def test_closing_is_refused_with_a_reason(app, client, login_as, unit_name, closed_on, message):
    unit_id, _ = ids(app, unit_name)
    login_as("admin")
    before = snapshot(app)
    response = client.post(f"/admin/units/{unit_id}/close", data={"closed_on": closed_on})
    assert response.status_code == 200 and message in response.text
    if closed_on:
        assert f'value="{closed_on}"' in response.text
    assert snapshot(app) == before


def test_reopen_keeps_logins_disabled_until_enabled_one_by_one(app, client, login_as):
    unit_id, user_id = ids(app)
    login_as("admin")
    client.post(f"/admin/units/{unit_id}/close", data={"closed_on": "2021-12-01"})
    refused = client.post(f"/admin/users/{user_id}/enable")
    assert refused.status_code == 200 and "đã ngừng hoạt động: hãy mở lại đơn vị trước" in refused.text
    response = client.post(f"/admin/units/{unit_id}/reopen")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Unit, unit_id).closed_on is None
        assert db.session.get(User, user_id).active is False
    assert '"before": {"closed_on": "2021-12-01"}' in last_change(app, "unit_reopen").detail
    assert client.post(f"/admin/users/{user_id}/enable").status_code == 302
    assert logged_in_client(app, login_as, "canglong").get("/").status_code == 200


def test_reopen_with_htmx_returns_the_unit_fragment(app, client, login_as):
    unit_id, _ = ids(app)
    login_as("admin")
    client.post(f"/admin/units/{unit_id}/close", data={"closed_on": "2021-12-01"})
    response = client.post(f"/admin/units/{unit_id}/reopen", headers=HX)
    assert response.status_code == 200 and "<html" not in response.text
    assert "Đã mở lại đơn vị" in response.text and "Cho ngừng hoạt động" in response.text


def test_a_closed_name_can_be_reused_but_then_the_old_unit_cannot_reopen(app, client, login_as):
    unit_id, _ = ids(app)
    login_as("admin")
    client.post(f"/admin/units/{unit_id}/close", data={"closed_on": "2021-12-01"})
    added = client.post("/admin/units", data=unit_form(name=CANG_LONG, short_name="Càng Long 2",
                                                       kind="district"))
    assert added.status_code == 302
    before = snapshot(app)
    response = client.post(f"/admin/units/{unit_id}/reopen")
    assert response.status_code == 200 and "Một đơn vị đang hoạt động đã mang tên này" in response.text
    assert snapshot(app) == before


def test_an_open_unit_cannot_be_reopened(app, client, login_as):
    unit_id, _ = ids(app)
    login_as("admin")
    response = client.post(f"/admin/units/{unit_id}/reopen")
    assert response.status_code == 200 and "Đơn vị đang hoạt động." in response.text


def test_unknown_unit_or_user_is_404(client, login_as):
    login_as("admin")
    assert client.get("/admin/units/999999").status_code == 404
    assert client.post("/admin/units/999999/close", data={"closed_on": "2021-12-01"}).status_code == 404
    assert client.post("/admin/users/999999/disable").status_code == 404


# --- who may use the admin pages -----------------------------------------------------------


def admin_requests(app):
    unit_id, user_id = ids(app)
    return [
        ("get", "/admin/units", {}),
        ("get", f"/admin/units/{unit_id}", {}),
        ("get", "/admin/users", {}),
        ("get", f"/admin/users/{user_id}", {}),
        ("post", f"/admin/users/{user_id}/edit", {"full_name": "Bị sửa", "unit_id": str(unit_id), "is_admin": "y"}),
        ("post", "/admin/units", unit_form()),
        ("post", f"/admin/units/{unit_id}/edit", unit_form(name="Bị đổi tên", short_name="x", kind="district")),
        ("post", f"/admin/units/{unit_id}/close", {"closed_on": "2021-12-01"}),
        ("post", f"/admin/units/{unit_id}/reopen", {}),
        ("post", "/admin/users", {"username": "ke-la", "unit_id": str(unit_id), "is_admin": "y"}),
        ("post", f"/admin/users/{user_id}/disable", {}),
        ("post", f"/admin/users/{user_id}/enable", {}),
        ("post", f"/admin/users/{user_id}/reset-password", {}),
        ("get", "/admin/throttles", {}),
        ("post", "/admin/throttles/clear", {"username": "canglong", "address": "127.0.0.1", "device": ""}),
    ]


def test_the_request_list_covers_every_admin_endpoint(app):
    with app.test_request_context():
        rules = {(m.lower(), r.rule) for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")
                 for m in r.methods - {"HEAD", "OPTIONS"}}
    covered = {(method, re.sub(r"/\d+", "/<id>", url)) for method, url, _ in admin_requests(app)}
    assert {(m, re.sub(r"<id:\w+>", "<id>", rule)) for m, rule in rules} == covered


@pytest.mark.parametrize("username", ["btv", "tckt", "canglong", "danvantu"])
def test_every_non_admin_gets_403_and_nothing_changes(app, client, login_as, username):
    login_as(username)
    before = snapshot(app)
    for method, url, data in admin_requests(app):
        for headers in ({}, HX):
            response = getattr(client, method)(url, data=data, headers=headers)
            assert response.status_code == 403, (username, method, url)
    assert snapshot(app) == before
    assert "Quản trị" not in client.get("/").text


def test_anonymous_visitors_are_sent_to_login(app, client):
    before = snapshot(app)
    for method, url, data in admin_requests(app):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), url
    assert snapshot(app) == before


def test_admin_sees_the_nav_link(client, login_as):
    login_as("admin")
    assert '<a href="/admin/units">Quản trị</a>' in client.get("/").text


# --- accounts ------------------------------------------------------------------------------


def test_users_page_lists_logins_with_unit_and_last_login(client, login_as):
    login_as("admin")
    page = client.get("/admin/users")
    assert page.status_code == 200 and "<html" in page.text
    row = re.search(r'<tr id="user-\d+">\s*<td><a href="/admin/users/\d+"><strong>canglong</strong>.*?</tr>', page.text, re.S).group(0)
    assert "Huyện đoàn Càng Long" in row and "chưa đăng nhập" in row
    admin_row = re.search(r'<tr id="user-\d+">\s*<td><a href="/admin/users/\d+"><strong>admin</strong>.*?</tr>', page.text, re.S).group(0)
    assert "quản trị" in admin_row and "chưa đăng nhập" not in admin_row
    assert re.search(r"\d\d:\d\d \d\d/\d\d/\d{4}", admin_row)


@pytest.mark.parametrize("url", ["/admin/users", "/admin/units"])
def test_admin_pages_cost_the_same_queries_whatever_the_number_of_units_and_logins(app, client, login_as, url):
    login_as("admin")

    few = helpers.queries_of_get(app, client, url)
    with app.app_context():
        for i in range(15):
            user = make_user(f"them-{i}", make_unit(f"Đoàn cơ sở số {i}", UnitKind.AFFILIATED))
            db.session.add(LoginSession(id=f"s-{i}", user_id=user.id))
        db.session.commit()
    assert helpers.queries_of_get(app, client, url) == few


def test_creating_a_login_shows_a_random_password_once_and_it_works(app, client, login_as):
    unit_id, _ = ids(app, "Huyện đoàn Cầu Kè")
    login_as("admin")
    response = client.post("/admin/users", data={"username": "  Nguoi.Moi ", "full_name": "Nguyễn Thị Mới",
                                                  "unit_id": str(unit_id)})
    assert response.status_code == 200 and "<html" in response.text
    password = re.search(r"Mật khẩu ban đầu: <code>([^<]+)</code>", response.text).group(1)
    assert len(password) >= 16 and password != PASSWORD
    assert response.text.count(password) == 1
    assert "chỉ hiện một lần" in response.text
    assert password not in client.get("/admin/users").text  # never shown again
    with app.app_context():
        user = user_by_name("nguoi.moi")
        assert user.unit_id == unit_id and user.full_name == "Nguyễn Thị Mới" and not user.is_admin
        assert user.password_hash.startswith("$argon2id$") and password not in user.password_hash
    assert '"username": "nguoi.moi"' in last_change(app, "user_create").detail
    person = app.test_client()
    assert person.post("/login", data={"username": "nguoi.moi", "password": PASSWORD}).status_code == 200
    first = person.post("/login", data={"username": "Nguoi.Moi", "password": password})
    assert first.status_code == 302 and first.location.endswith("/account/password")
    # A one-time password: the account sets its own before anything else.
    assert person.get("/").location.endswith("/account/password")
    assert person.post("/account/password", data={"current": password, "new": "một câu mật khẩu của tôi"}
                       ).status_code == 302
    assert "<h1>Huyện đoàn Cầu Kè</h1>" in person.get("/").text
    # Two new logins never share a password.
    again = client.post("/admin/users", data={"username": "nguoi2", "unit_id": str(unit_id)})
    assert re.search(r"Mật khẩu ban đầu: <code>([^<]+)</code>", again.text).group(1) != password


def test_creating_a_login_with_htmx_returns_the_list_fragment_with_the_password(app, client, login_as):
    unit_id, _ = ids(app)
    login_as("admin")
    response = client.post("/admin/users", headers=HX, data={"username": "nguoi3", "unit_id": str(unit_id),
                                                              "is_admin": "y"})
    assert response.status_code == 200 and "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="users">')
    assert "Mật khẩu ban đầu: <code>" in response.text and "<strong>nguoi3</strong>" in response.text
    with app.app_context():
        assert user_by_name("nguoi3").is_admin is True


@pytest.mark.parametrize("username", ["CangLong", "ｃａｎｇｌｏｎｇ", " canglong "])
def test_a_duplicate_username_is_refused_beside_the_field(app, client, login_as, username):
    unit_id, _ = ids(app)
    login_as("admin")
    before = snapshot(app)
    for headers in ({}, HX):
        response = client.post("/admin/users", headers=headers, data={
            "username": username, "full_name": "Trần Văn Trùng", "unit_id": str(unit_id)})
        assert response.status_code == 200
        assert "Tên đăng nhập canglong đã có." in response.text
        assert 'value="Trần Văn Trùng"' in response.text and "Mật khẩu ban đầu" not in response.text
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "", "unit_id": "UNIT"}, "Vui lòng nhập mục này."),
        ({"username": "có dấu cách", "unit_id": "UNIT"}, "Tên đăng nhập không được có dấu cách"),
        ({"username": "nguoi4", "unit_id": ""}, "Vui lòng chọn một đơn vị đang hoạt động."),
        ({"username": "nguoi4", "unit_id": "999999"}, "Vui lòng chọn một đơn vị đang hoạt động."),
        ({"username": "nguoi4", "unit_id": "abc"}, "Vui lòng chọn một đơn vị đang hoạt động."),
        ({"username": "nguoi4", "unit_id": "CLOSED"}, "Vui lòng chọn một đơn vị đang hoạt động."),
    ],
)
def test_bad_login_input_is_refused(app, client, login_as, data, message):
    unit_id, _ = ids(app)
    login_as("admin")
    if data["unit_id"] == "CLOSED":
        client.post(f"/admin/units/{unit_id}/close", data={"closed_on": "2021-12-01"})
    before = snapshot(app)
    data = {**data, "unit_id": data["unit_id"].replace("UNIT", str(unit_id)).replace("CLOSED", str(unit_id))}
    response = client.post("/admin/users", data=data)
    assert response.status_code == 200 and message in response.text
    assert snapshot(app) == before


def test_disabling_a_login_ends_its_live_session_now(app, client, login_as):
    _, user_id = ids(app)
    district = logged_in_client(app, login_as, "canglong")
    assert district.get("/").status_code == 200
    login_as("admin")
    response = client.post(f"/admin/users/{user_id}/disable")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    assert district.get("/").headers["Location"].startswith("/login")
    assert district.post("/login", data={"username": "canglong", "password": PASSWORD}).status_code == 200
    change = last_change(app, "user_disable")
    assert change.object_id == user_id and change.user.username == "admin"
    assert "Đã khóa tài khoản canglong" in client.get("/admin/users").text


def test_disable_and_enable_with_htmx_return_the_row(app, client, login_as):
    _, user_id = ids(app)
    login_as("admin")
    response = client.post(f"/admin/users/{user_id}/disable", headers=HX)
    assert response.status_code == 200 and "<html" not in response.text
    assert response.text.lstrip().startswith(f'<tr id="user-{user_id}" class="closed">')
    assert "bị khóa" in response.text and "Mở khóa</button>" in response.text
    response = client.post(f"/admin/users/{user_id}/enable", headers=HX)
    assert response.text.lstrip().startswith(f'<tr id="user-{user_id}">')
    assert "Khóa</button>" in response.text
    with app.app_context():
        assert db.session.get(User, user_id).active is True


def test_reset_password_shows_a_new_one_once_and_ends_sessions(app, client, login_as):
    _, user_id = ids(app)
    district = logged_in_client(app, login_as, "canglong")
    login_as("admin")
    response = client.post(f"/admin/users/{user_id}/reset-password")
    assert response.status_code == 200 and "<html" in response.text
    password = re.search(r"Mật khẩu mới của <strong>canglong</strong>: <code>([^<]+)</code>",
                         response.text).group(1)
    assert response.text.count(password) == 1
    assert district.get("/").headers["Location"].startswith("/login")
    assert district.post("/login", data={"username": "canglong", "password": PASSWORD}).status_code == 200
    assert district.post("/login", data={"username": "canglong", "password": password}).status_code == 302
    assert last_change(app, "user_reset_password").object_id == user_id


def test_reset_password_with_htmx_returns_the_row_with_the_password(app, client, login_as):
    _, user_id = ids(app)
    login_as("admin")
    response = client.post(f"/admin/users/{user_id}/reset-password", headers=HX)
    assert response.status_code == 200 and "<html" not in response.text
    assert response.text.lstrip().startswith(f'<tr id="user-{user_id}">')
    password = re.search(r"Mật khẩu mới: <code>([^<]+)</code>", response.text).group(1)
    assert app.test_client().post("/login", data={"username": "canglong", "password": password}).status_code == 302


def test_an_admin_cannot_disable_themself(app, client, login_as):
    _, admin_id = ids(app, username="admin")
    login_as("admin")
    before = snapshot(app)
    for headers in ({}, HX):
        response = client.post(f"/admin/users/{admin_id}/disable", headers=headers)
        assert response.status_code == 200
        assert "Bạn không thể tự khóa tài khoản của mình." in response.text
        assert ("<html" in response.text) is (headers == {})
    assert snapshot(app) == before
    assert client.get("/admin/users").status_code == 200


def test_resetting_ones_own_password_keeps_the_current_session(app, client, login_as):
    _, admin_id = ids(app, username="admin")
    login_as("admin")
    other = logged_in_client(app, login_as, "admin")
    assert client.post(f"/admin/users/{admin_id}/reset-password").status_code == 200
    assert client.get("/admin/users").status_code == 200
    assert other.get("/admin/users").status_code == 302


def test_admin_changes_a_logins_unit_name_and_admin_flag(app, client, login_as):
    _, user_id = ids(app)
    other_unit, _ = ids(app, "Huyện đoàn Cầu Kè", "cauke")
    login_as("admin")
    page = client.get(f"/admin/users/{user_id}")
    assert page.status_code == 200 and "<html" in page.text and "<h1>canglong</h1>" in page.text
    response = client.post(f"/admin/users/{user_id}/edit", data={
        "full_name": "Lê Văn Bình", "unit_id": str(other_unit), "is_admin": "y"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.full_name, user.unit_id, user.is_admin) == ("Lê Văn Bình", other_unit, True)
    change = last_change(app, "user_edit")
    assert '"before": {"full_name": "", "unit_id":' in change.detail and '"is_admin": true}' in change.detail
    fragment = client.post(f"/admin/users/{user_id}/edit", headers=HX, data={
        "full_name": "Lê Văn Bình", "unit_id": str(other_unit)})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert fragment.text.lstrip().startswith('<div id="account">') and "Đã lưu tài khoản canglong." in fragment.text
    with app.app_context():
        assert db.session.get(User, user_id).is_admin is False


def test_an_admin_cannot_drop_their_own_admin_flag(app, client, login_as):
    _, admin_id = ids(app, username="admin")
    unit_id, _ = ids(app, "Văn phòng Tỉnh đoàn", "admin")
    login_as("admin")
    before = snapshot(app)
    for headers in ({}, HX):
        response = client.post(f"/admin/users/{admin_id}/edit", headers=headers,
                               data={"full_name": "Quản trị", "unit_id": str(unit_id)})
        assert response.status_code == 200
        assert "Bạn không thể tự bỏ quyền quản trị của mình." in response.text
        assert 'value="Quản trị"' in response.text
    assert snapshot(app) == before


def test_a_login_cannot_be_moved_to_a_closed_unit(app, client, login_as):
    closed_id, _ = ids(app, "Huyện đoàn Trà Cú", "tracu")
    _, user_id = ids(app)
    login_as("admin")
    client.post(f"/admin/units/{closed_id}/close", data={"closed_on": "2021-12-01"})
    before = snapshot(app)
    response = client.post(f"/admin/users/{user_id}/edit", data={"unit_id": str(closed_id)})
    assert response.status_code == 200 and "Vui lòng chọn một đơn vị đang hoạt động." in response.text
    assert snapshot(app) == before
