"""Plan 382 as data: the document page, the home page, the demo loader."""

import pytest

from danvan.demo import seed_demo
from danvan.web import emphasis_html
from danvan.extensions import db
from danvan.orm import Assignment, Initiative, Plan, Task, Unit, User


def test_plan_document_shows_the_seed_faithfully(client, login_as):
    login_as("canglong")
    page = client.get("/plans/1").text
    for expected in [
        "BCH ĐOÀN TỈNH TRÀ VINH", "ĐOÀN TNCS HỒ CHÍ MINH", "Số: 382-KH/TĐTN-TCKT",
        "Trà Vinh, ngày 22 tháng 6 năm 2021",
        "Thực hiện Phong trào thi đua “Dân vận khéo” năm 2021",
        "Căn cứ Kế hoạch số 03-KH/BCĐ, ngày 05/5/2021",
        "I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "III. MÔ HÌNH “DÂN VẬN KHÉO” CẤP TỈNH",
        "IV. TỔ CHỨC THỰC HIỆN",
        "1. Mô hình “Dân vận khéo” trên lĩnh vực kinh tế:",
        "4. Mô hình “Dân vận khéo” trên lĩnh vực xây dựng hệ thống chính trị:",
        "3.000 em, kinh phí khoảng 600 triệu đồng.",
        "tổng số 90 căn, kinh phí khoảng 3,6 tỷ đồng.",
        "tổng số 09 tuyến đường.",
        "(thực hiện tại cơ quan Tỉnh đoàn)",
        "1. Cấp tỉnh", "2. Các Huyện, Thị, Thành đoàn và Đoàn trực thuộc",
        "Ban Dân vận TU (b/c);", "Các Huyện, Thị, Thành đoàn và ĐTT;", "Lưu TCKT.",
        "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN", "PHÓ BÍ THƯ THƯỜNG TRỰC", "Võ Minh Nhựt",
    ]:
        assert expected in page, expected


def test_plan_document_lists_every_section_iv_paragraph_in_order(app, client, login_as):
    login_as("btv")
    page = client.get("/plans/1").text
    with app.app_context():
        texts = [a.text for a in db.session.scalars(db.select(Assignment).order_by(Assignment.position))]
    assert len(texts) == 8
    positions = [page.index(str(emphasis_html(t))) for t in texts]
    assert positions == sorted(positions)


def test_missing_plan_is_404(client, login_as):
    login_as("btv")
    assert client.get("/plans/999").status_code == 404
    assert client.get("/plans/9223372036854775808").status_code == 404


def test_targets_are_numbers_not_text(app):
    with app.app_context():
        targets = {
            (t.measure.value, t.amount)
            for i in db.session.scalars(db.select(Initiative).join(Plan).where(Plan.code == "382-KH/TĐTN-TCKT"))
            for t in i.targets
        }
    assert targets == {
        ("child", 3000), ("money", 600_000_000), ("house", 90), ("money", 3_600_000_000),
        ("road", 9), ("office", 1),
    }


def test_every_district_and_affiliated_union_gets_the_local_tasks(app):
    with app.app_context():
        local = db.session.scalars(
            db.select(Unit).where(Unit.kind.in_(["district", "affiliated"]))
        ).all()
        assert len(local) == 12
        for unit in local:
            tasks = db.session.scalars(db.select(Task).where(Task.unit_id == unit.id)).all()
            assert len(tasks) == 2, unit.name


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("phongtrao", ["Nhà Nhân ái và tuyến đường thanh niên", "Mô hình vận động kinh phí xây dựng Nhà Nhân ái",
                       "toàn mô hình 25 căn / 90 căn", "/ 3,6 tỷ đồng"]),
        ("thieunhi", ["Chăm lo thiếu nhi có hoàn cảnh khó khăn", "/ 300 em", "Toàn mô hình:", "/ 3.000 em"]),
        ("congdoancq", ["Mô hình xây dựng cơ quan", "phối hợp"]),
        ("tckt", ["Bộ phận thường trực, chế độ báo cáo", "Xây dựng và triển khai Kế hoạch"]),
        ("canglong", ["Xây dựng kế hoạch, mô hình của đơn vị", "Báo cáo kết quả trong báo cáo năm"]),
    ],
)
def test_home_page_shows_what_the_plan_asks_of_the_unit(client, login_as, username, expected):
    login_as(username)
    page = client.get("/").text
    for text in expected:
        assert text in page, text
    assert "Kế hoạch số 382-KH/TĐTN-TCKT" in page


def test_seed_demo_twice_changes_nothing(app, runner):
    def counts():
        with app.app_context():
            return [db.session.scalar(db.select(db.func.count()).select_from(m))
                    for m in (Unit, User, Plan, Initiative, Assignment, Task)]

    before = counts()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "không thay đổi" in result.output
    assert counts() == before
    with app.app_context():
        assert seed_demo() is False


def test_seed_demo_fills_an_empty_database(empty_db_url):
    from tests.conftest import make_app

    app = make_app(empty_db_url)
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(db.select(Plan.code)) == "382-KH/TĐTN-TCKT"
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 19
        db.engine.dispose()


def test_leadership_home_shows_the_province_at_a_glance(app, client, login_as):
    from danvan.models.rollup import plan_rollup

    with app.app_context():
        rollup = plan_rollup(db.session.get(Plan, 1))
        houses = next(t for f in rollup.fields for _i, ts in f.initiatives for t in ts
                      if t.target.measure == "house")
    # The party mass-mobilisation board reads the province at a glance too (it has no checklist).
    for username in ["btv", "tckt", "admin", "danvantu"]:
        login_as(username)
        page = client.get("/").text
        assert "Toàn tỉnh · Kế hoạch 382-KH/TĐTN-TCKT" in page
        assert f"{houses.actual} căn / 90 căn" in page
        assert "Báo cáo tổng kết năm 2021" in page and "Quán triệt" in page
        client.post("/logout")
    for username in ["canglong", "phongtrao"]:
        login_as(username)
        assert "Toàn tỉnh · Kế hoạch" not in client.get("/").text
        client.post("/logout")
