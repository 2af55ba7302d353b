"""Đôn đốc: the organisation board reminds late units; the unit sees, acts or puts it away."""

from __future__ import annotations

import pytest

from danvan.extensions import db
from danvan.home import reminders as reminders_module
from danvan.orm import Change, Reminder, Unit, User
from tests.conftest import HX
from tests.factories import unit_by_name

PERIOD = "Báo cáo tổng kết năm 2021"


def _period(app) -> int:
    from danvan.orm import ReportingPeriod

    with app.app_context():
        return db.session.scalar(db.select(ReportingPeriod.id).where(ReportingPeriod.name == PERIOD))


def _unit(app, name: str) -> int:
    with app.app_context():
        return unit_by_name(name).id


def test_the_form_prefills_the_late_units_and_a_message(app, client, login_as):
    login_as("tckt")
    page = client.get(f"/periods/{_period(app)}/remind").text
    assert "Huyện đoàn Tiểu Cần" in page and "trễ" in page
    assert "Thị đoàn Duyên Hải" not in page  # submitted: not late
    assert "Đề nghị đơn vị khẩn trương hoàn thành và nộp “Báo cáo tổng kết năm 2021”" in page
    one = client.get(f"/periods/{_period(app)}/remind?unit={_unit(app, 'Huyện đoàn Tiểu Cần')}").text
    assert one.count(" checked>") == 1


def test_a_reminder_is_traced_seen_and_put_away_by_its_unit_only(app, client, login_as):
    tieucan = _unit(app, "Huyện đoàn Tiểu Cần")
    login_as("tckt")
    sent = client.post(f"/periods/{_period(app)}/remind", data={"unit": [str(tieucan)], "text": "Nộp ngay"})
    assert sent.status_code == 302
    with app.app_context():
        reminder = db.session.scalar(db.select(Reminder))
        assert reminder.unit_id == tieucan and reminder.report_id is not None and reminder.seen_at is None
        assert db.session.scalar(db.select(Change).where(Change.action == "remind")).object_id == tieucan
        reminder_id = reminder.id
    client.post("/logout")
    login_as("cauke")  # another unit cannot put it away
    assert client.post(f"/reminders/{reminder_id}/dismiss").status_code == 403
    client.post("/logout")
    login_as("tieucan")
    home = client.get("/").text
    assert "Ban Tổ chức – Kiểm tra Tỉnh đoàn đôn đốc: Nộp ngay" in home and "/reminders/seen" in home
    assert client.post("/reminders/seen", headers=HX).status_code == 204
    with app.app_context():
        assert db.session.get(Reminder, reminder_id).seen_at is not None
    gone = client.post(f"/reminders/{reminder_id}/dismiss", headers=HX)
    assert gone.status_code == 200 and "Đã cất lời đôn đốc." in gone.text
    assert "Nộp ngay" not in client.get("/").text
    client.post("/logout")
    login_as("tckt")
    listing = client.get("/reminders/sent").text
    assert "Huyện đoàn Tiểu Cần" in listing and "đã cất" in listing and "Chưa xem" not in listing


def test_a_reminder_needs_a_unit_and_a_message(app, client, login_as):
    login_as("tckt")
    url = f"/periods/{_period(app)}/remind"
    assert "Chọn ít nhất một đơn vị." in client.post(url, data={"text": "x"}).text
    tieucan = str(_unit(app, "Huyện đoàn Tiểu Cần"))
    assert "Vui lòng nhập nội dung đôn đốc." in client.post(url, data={"unit": [tieucan], "text": " "}).text
    # A unit that is not late cannot be slipped in.
    duyenhai = str(_unit(app, "Thị đoàn Duyên Hải"))
    assert "Chọn ít nhất một đơn vị." in client.post(url, data={"unit": [duyenhai], "text": "x"}).text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Reminder)) == 0


def test_a_lead_board_reminds_the_units_behind_on_its_model(app, client, login_as):
    from danvan.orm import Initiative

    with app.app_context():
        initiative = db.session.scalar(db.select(Initiative).join(Unit, Initiative.lead_unit_id == Unit.id)
                                       .where(Unit.name == "Ban Thanh thiếu nhi – Trường học Tỉnh đoàn"))
        initiative_id = initiative.id
    login_as("thieunhi")
    page = client.get(f"/initiatives/{initiative_id}/remind").text
    assert "đạt" in page and 'name="unit"' in page
    client.post("/logout")
    login_as("phongtrao")  # not its mô hình
    assert client.get(f"/initiatives/{initiative_id}/remind").status_code == 403


def test_with_a_mail_server_the_reminder_is_also_mailed(app, client, login_as, monkeypatch):
    sent: list = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            self.host = host

        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def send_message(self, message):
            sent.append(message)

    monkeypatch.setattr(reminders_module.smtplib, "SMTP", FakeSMTP)
    app.config["MAIL_SERVER"] = "mail.tinhdoan.local"
    tieucan = _unit(app, "Huyện đoàn Tiểu Cần")
    with app.app_context():
        db.session.execute(db.update(User).where(User.username == "tieucan").values(email="bithu@tieucan.vn"))
        db.session.commit()
    login_as("tckt")
    client.post(f"/periods/{_period(app)}/remind", data={"unit": [str(tieucan)], "text": "Nộp trước thứ Sáu"})
    assert len(sent) == 1 and "bithu@tieucan.vn" in sent[0]["Bcc"]
    assert "Nộp trước thứ Sáu" in sent[0].get_content()
    with app.app_context():
        assert db.session.scalar(db.select(Reminder.mailed_at)) is not None


@pytest.mark.parametrize("username", ["canglong", "danvantu"])
def test_units_cannot_send_reminders(app, client, login_as, username):
    login_as(username)
    assert client.get(f"/periods/{_period(app)}/remind").status_code in (403, 404)
    assert client.post(f"/periods/{_period(app)}/remind", data={"unit": ["1"], "text": "x"}).status_code in (
        403, 404)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Reminder)) == 0
