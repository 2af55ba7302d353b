"""Units acknowledge (quán triệt) the province plan; the province sees who has."""

from danvan.extensions import db
from danvan.orm import Acknowledgement, Change
from tests.conftest import HX


def count_acks(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Acknowledgement))


def test_district_acknowledges_and_the_province_sees_it(app, client, login_as):
    before = count_acks(app)
    login_as("duyenhai")
    page = client.get("/plans/1")
    assert "Xác nhận đơn vị đã quán triệt kế hoạch" in page.text
    response = client.post("/plans/1/acknowledge",
                           data={"briefed_on": "2021-07-05", "members_briefed": "1250", "note": "Hội nghị trực tuyến"})
    assert response.status_code == 302
    assert "Đơn vị đã quán triệt kế hoạch ngày 05/07/2021" in client.get("/plans/1").text
    client.post("/logout")
    login_as("btv")
    table = client.get("/plans/1/cascade").text
    assert f"<strong>{before + 1}/" in table
    row = table[table.index("Huyện đoàn Duyên Hải"):]
    assert "05/07/2021" in row[:300] and "1.250" in row[:300]
    with app.app_context():
        assert db.session.scalar(db.select(Change).where(Change.action == "acknowledge")).unit_id is not None


def test_acknowledge_twice_updates_the_one_row(app, client, login_as):
    before = count_acks(app)
    login_as("caungang")
    client.post("/plans/1/acknowledge", data={"briefed_on": "2021-07-01"})
    client.post("/plans/1/acknowledge", data={"briefed_on": "2021-07-02", "members_briefed": "80"})
    assert count_acks(app) == before + 1


def test_date_outside_the_plan_year_is_refused_beside_the_field(app, client, login_as):
    before = count_acks(app)
    login_as("tracu")
    page = client.post("/plans/1/acknowledge", data={"briefed_on": "2020-12-31", "members_briefed": "5"})
    assert page.status_code == 200
    assert "Ngày quán triệt phải từ ngày ban hành kế hoạch đến hết năm 2021." in page.text
    assert 'value="5"' in page.text
    assert count_acks(app) == before


def test_bad_numbers_are_refused(app, client, login_as):
    before = count_acks(app)
    login_as("tracu")
    for bad in ["-1", "1e3", "９", "9223372036854775808"]:
        page = client.post("/plans/1/acknowledge", data={"briefed_on": "2021-07-01", "members_briefed": bad})
        assert page.status_code == 200, bad
    assert count_acks(app) == before


def test_htmx_acknowledge_returns_only_the_block(client, login_as):
    login_as("cauke")
    fragment = client.post("/plans/1/acknowledge", data={"briefed_on": "2021-07-01"}, headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and 'id="quan-triet"' in fragment.text
    assert "01/07/2021" in fragment.text


def test_units_without_work_in_the_plan_and_read_only_bodies_are_refused(app, client, login_as):
    before = count_acks(app)
    for username in ["danvantu", "btv"]:
        login_as(username)
        assert client.post("/plans/1/acknowledge", data={"briefed_on": "2021-07-01"}).status_code == 403
        assert "Xác nhận đơn vị đã quán triệt" not in client.get("/plans/1").text
        client.post("/logout")
    assert count_acks(app) == before


def test_cascade_page_and_fragment(client, login_as):
    login_as("tckt")
    page = client.get("/plans/1/cascade")
    assert "<html" in page.text and "Huyện đoàn Trà Cú" in page.text
    fragment = client.get("/plans/1/cascade", headers=HX)
    assert "<html" not in fragment.text and "Huyện đoàn Trà Cú" in fragment.text
