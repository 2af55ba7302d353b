"""No lost update on any engine (TRUST.md R36, R39): simultaneous saves through two app servers.

Twenty saves of one object, from the same version, sent at once by four sessions spread over two
processes: exactly one is saved, the nineteen others are told of the conflict and keep their text.
On SQLite BEGIN IMMEDIATE queues the writers; on PostgreSQL the guarded UPDATE does.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from danvan.extensions import db
from danvan.orm import CompiledReport, House, Plan, PlanStatus, Report, Unit
from tests.conftest import make_app
from tests.servers import Browser, app_servers

SAVES = 20
SESSIONS = 4


def _version_and(app, model, row_id: int, column: str):
    with app.app_context():
        row = db.session.get(model, row_id)
        return row.version, getattr(row, column)


def _setup(app, kind: str) -> tuple[str, int, str, dict]:
    """Return (username, row id, url, fixed form fields) of the object the saves race on."""
    with app.app_context():
        if kind == "report":
            report = db.session.scalar(db.select(Report).join(Unit).where(Unit.name == "Huyện đoàn Càng Long"))
            return "canglong", report.id, f"/reports/{report.id}", {"action": "draft"}
        if kind == "compiled":
            compiled = db.session.scalar(db.select(CompiledReport))
            if compiled is None:
                from danvan.orm import ReportingPeriod, User
                from danvan.reports.compile import compile_period

                with app.test_request_context(method="POST"):
                    compile_period(db.session.scalar(db.select(User).where(User.username == "tckt")),
                                   db.session.scalar(db.select(ReportingPeriod)), regenerate_text=True)
                    db.session.commit()
                compiled = db.session.scalar(db.select(CompiledReport))
            return "tckt", compiled.id, f"/periods/{compiled.period_id}/compiled", {}
        if kind == "plan":
            plan = db.session.get(Plan, 1)
            plan.status = PlanStatus.DRAFT
            db.session.commit()
            fields = {name: getattr(plan, name) for name in ("code", "place", "issuer_heading",
                                                            "organisation_heading")}
            return "tckt", plan.id, f"/plans/{plan.id}/edit", fields | {"issued_on": "2021-06-22"}
        house = db.session.scalar(db.select(House).join(Unit).where(Unit.name == "Huyện đoàn Càng Long"))
        return "canglong", house.id, f"/houses/{house.id}/edit", {
            "commune": house.commune, "status": house.status.value, "note": "", "cost": str(house.cost),
            "funds_mobilised": str(house.funds_mobilised),
            "handed_over_on": house.handed_over_on.isoformat() if house.handed_over_on else ""}


KINDS = {
    # kind: (model, the text column each save writes, the form field of that text)
    "report": (Report, "economy", "economy"),
    "compiled": (CompiledReport, "economy", "economy"),
    "plan": (Plan, "title", "title"),
    "house": (House, "beneficiary", "beneficiary"),
}
CONFLICT = {
    "report": "Có người khác của đơn vị đã lưu",
    "compiled": "Có người khác đã lưu",
    "plan": "Kế hoạch vừa được người khác sửa",
    "house": "Nhà này vừa được người khác cập nhật",
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_simultaneous_saves_keep_exactly_one(db_url, kind):
    app = make_app(db_url)
    model, column, field = KINDS[kind]
    username, row_id, url, fixed = _setup(app, kind)
    version, _ = _version_and(app, model, row_id, column)
    with app_servers(db_url, 2) as bases:
        sessions = [Browser(bases[n % 2]).log_in(username) for n in range(SESSIONS)]
        start = threading.Barrier(SAVES)

        def save(n: int):
            start.wait()
            return sessions[n % SESSIONS].post(url, fixed | {"version": str(version), field: f"Bản số {n}"})

        with ThreadPoolExecutor(SAVES) as pool:
            answers = list(pool.map(save, range(SAVES)))
    saved = [n for n, a in enumerate(answers) if a.status == 302]
    refused = [n for n, a in enumerate(answers) if a.status == 200 and CONFLICT[kind] in a.text]
    assert all(a.status < 500 for a in answers), [a.status for a in answers]
    assert len(saved) == 1 and len(refused) == SAVES - 1, ([a.status for a in answers], saved, refused)
    # Each refused save shows what its user typed, so nothing typed is lost.
    assert all(f"Bản số {n}" in answers[n].text for n in refused)
    new_version, text = _version_and(app, model, row_id, column)
    assert new_version == version + 1 and text == f"Bản số {saved[0]}"
