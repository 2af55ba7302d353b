"""The authorization matrix (TRUST.md R15, R16, R18, R28): every endpoint × method × actor.

Objects in URLs belong to district A (Càng Long), so district B (Cầu Kè), the affiliated union
(Đại học Trà Vinh), a board and the read-only body all try A's ids. A refused request must leave
the database exactly as it was; every GET, allowed or not, must too.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest

from tests.authz_support import ACTORS, ANON, DISABLED, LOGINS, make_world, outcome, small_jpeg
from tests.conftest import HX

EVERYONE = frozenset(ACTORS)
MEMBERS = frozenset(LOGINS)
ADMIN = frozenset({"admin"})
A_ONLY = frozenset({"canglong"})
A_AND_ADMIN = frozenset({"canglong", "admin"})
READ_ALL_REPORTS = frozenset({"admin", "tckt", "btv"})  # PRODUCT.md: drafts = own unit + TCKT/BTV
BOARD_WORK = frozenset({"admin", "tckt"})  # accept / return / compile / schedule
A_REPORT_READERS = READ_ALL_REPORTS | A_ONLY
# Units with a share of the house and road targets (districts) and the lead board.
HOUSE_ROAD_ADDERS = frozenset({"phongtrao", "canglong", "cauke"})
# Receiving units of plan 382 that acknowledge it for themselves (not its issuer BTV, not read-only).
ACKNOWLEDGERS = frozenset({"admin", "tckt", "phongtrao", "canglong", "cauke", "dhtravinh"})
NOBODY = frozenset()
WRITERS = MEMBERS - {"danvantu"}  # every login but the read-only outside body
REGISTRANTS = WRITERS - {"admin"}  # a unit registers its own mô hình; admin has none
SCORER = frozenset({"phongtrao"})  # the evaluator the open review gave A's registration to

# endpoint -> (url template, {method: allowed actors}); everyone else must be refused.
ENDPOINTS: dict[str, tuple[str, dict[str, frozenset]]] = {
    "healthz": ("/healthz", {"GET": EVERYONE}),
    "assets.asset": ("{asset}", {"GET": EVERYONE}),
    "auth.login": ("/login", {"GET": EVERYONE, "POST": EVERYONE}),
    "auth.logout": ("/logout", {"POST": MEMBERS}),
    "auth.password": ("/account/password", {"GET": MEMBERS, "POST": MEMBERS}),
    # plan: home, document, cascade, checklists, province view, live stream
    "home.index": ("/", {"GET": MEMBERS}),
    "home.remind_period": ("/periods/{period}/remind", {"GET": BOARD_WORK, "POST": BOARD_WORK}),
    "home.remind_initiative": ("/initiatives/{initiative}/remind", {"GET": A_AND_ADMIN, "POST": A_AND_ADMIN}),
    "home.dismiss_reminder": ("/reminders/{reminder}/dismiss", {"POST": A_AND_ADMIN}),
    "home.seen_reminders": ("/reminders/seen", {"POST": WRITERS}),
    "home.sent_reminders": ("/reminders/sent", {"GET": MEMBERS}),
    "plan.document": ("/plans/{own_plan}", {"GET": MEMBERS}),
    "plan.document_docx": ("/plans/{own_plan}.docx", {"GET": MEMBERS}),
    "plan.cascade": ("/plans/{plan}/cascade", {"GET": MEMBERS}),
    "plan.acknowledge": ("/plans/{plan}/acknowledge", {"POST": ACKNOWLEDGERS}),
    "checklist.mine": ("/checklist", {"GET": MEMBERS}),
    "checklist.unit": ("/units/{unit_a}/checklist", {"GET": MEMBERS}),
    "checklist.task": ("/tasks/{task}", {"GET": MEMBERS}),
    "checklist.item": ("/items/{item}", {"GET": MEMBERS}),
    "checklist.add_item": ("/tasks/{task}/items", {"POST": A_AND_ADMIN}),
    "checklist.toggle": ("/items/{item}/toggle", {"POST": A_AND_ADMIN}),
    "checklist.edit_item": ("/items/{item}/edit", {"GET": A_AND_ADMIN, "POST": A_AND_ADMIN}),
    "checklist.move_item": ("/items/{item}/move", {"POST": A_AND_ADMIN}),
    "checklist.remove_item": ("/items/{item}/remove", {"POST": A_AND_ADMIN}),
    "checklist.mark_done": ("/tasks/{task}/done", {"POST": A_AND_ADMIN}),
    "checklist.comment": ("/tasks/{task}/comments", {"POST": A_AND_ADMIN}),
    "checklist.province": ("/province", {"GET": MEMBERS}),
    "checklist.province_task": ("/province/tasks/{task}", {"GET": MEMBERS}),
    "checklist.live_stream": ("/live?unit={unit_a}", {"GET": MEMBERS}),
    # models (mô hình)
    "models.index": ("/initiatives", {"GET": MEMBERS}),
    "models.initiatives": ("/plans/{own_plan}/initiatives", {"GET": MEMBERS}),
    "models.initiative": ("/initiatives/{initiative}", {"GET": MEMBERS}),
    "models.allocations": ("/initiatives/{initiative}/allocations", {"POST": A_AND_ADMIN}),
    "models.record": ("/targets/{target}/progress", {"GET": A_ONLY, "POST": A_ONLY}),
    "models.correct": ("/progress/{entry}/correct", {"GET": A_ONLY, "POST": A_ONLY}),
    "models.house_new": ("/initiatives/{house_initiative}/houses/new",
                         {"GET": HOUSE_ROAD_ADDERS, "POST": HOUSE_ROAD_ADDERS}),
    "models.house_edit": ("/houses/{house}/edit", {"GET": A_AND_ADMIN, "POST": A_AND_ADMIN}),
    "models.road_new": ("/initiatives/{road_initiative}/roads/new",
                        {"GET": HOUSE_ROAD_ADDERS, "POST": HOUSE_ROAD_ADDERS}),
    "models.road_edit": ("/roads/{road}/edit", {"GET": A_AND_ADMIN, "POST": A_AND_ADMIN}),
    "models.own_new": ("/units/{unit_a}/initiatives/new", {"GET": A_ONLY, "POST": A_ONLY}),
    # minh chứng: everyone reads the photos; a house's, road's or item's unit (and admin) adds and
    # removes; A's own mô hình: A only (its lead; admin adds no houses or roads either)
    "evidence.house_photos": ("/houses/{house}/evidence", {"GET": MEMBERS}),
    "evidence.house_add": ("/houses/{house}/evidence", {"POST": A_AND_ADMIN}),
    "evidence.road_photos": ("/roads/{road}/evidence", {"GET": MEMBERS}),
    "evidence.road_add": ("/roads/{road}/evidence", {"POST": A_AND_ADMIN}),
    "evidence.initiative_photos": ("/initiatives/{initiative}/evidence", {"GET": MEMBERS}),
    "evidence.initiative_add": ("/initiatives/{initiative}/evidence", {"POST": A_ONLY}),
    "evidence.item_photos": ("/items/{item}/evidence", {"GET": MEMBERS}),
    "evidence.item_add": ("/items/{item}/evidence", {"POST": A_AND_ADMIN}),
    "evidence.photo": ("/evidence/{evidence}/photo.jpg", {"GET": MEMBERS}),
    "evidence.thumb": ("/evidence/{evidence}/thumb.jpg", {"GET": MEMBERS}),
    "evidence.remove": ("/evidence/{evidence}/remove", {"POST": A_AND_ADMIN}),
    # reports
    "reports.index": ("/reports", {"GET": MEMBERS}),
    "reports.new_period": ("/plans/{plan}/periods/new", {"GET": BOARD_WORK, "POST": BOARD_WORK}),
    "reports.period": ("/periods/{period}", {"GET": READ_ALL_REPORTS}),
    "reports.report": ("/reports/{draft}", {"GET": A_REPORT_READERS}),
    "reports.save": ("/reports/{draft}", {"POST": A_ONLY}),
    "reports.report_docx": ("/reports/{draft}/docx", {"GET": A_REPORT_READERS}),
    "reports.review_report": ("/reports/{submitted}/review", {"POST": BOARD_WORK}),
    "reports.compile_report": ("/periods/{period}/compile", {"POST": BOARD_WORK}),
    "reports.confirm_compile": ("/periods/{period}/compile", {"GET": BOARD_WORK}),
    # Not yet sent: the read-only body may not read it (R18).
    "reports.compiled": ("/periods/{period}/compiled", {"GET": READ_ALL_REPORTS}),
    "reports.save_compiled": ("/periods/{period}/compiled", {"POST": BOARD_WORK}),
    "reports.compiled_docx": ("/periods/{period}/compiled.docx", {"GET": READ_ALL_REPORTS}),
    "reports.compiled_xlsx": ("/periods/{period}/compiled.xlsx", {"GET": READ_ALL_REPORTS}),
    "reports.send_compiled": ("/periods/{period}/compiled/send", {"POST": BOARD_WORK}),
    "reports.confirm_send": ("/periods/{period}/compiled/send", {"GET": BOARD_WORK}),
    # plans: A's own plan is a draft that only A (and admin) edits and issues; the province
    # plan is issued, so its workflow steps are refused to everyone but who may try them.
    "plan.index": ("/plans", {"GET": MEMBERS}),
    "plan.edit": ("/plans/{own_plan}/edit", {"GET": A_AND_ADMIN}),
    "plan.save_header": ("/plans/{own_plan}/edit", {"POST": A_AND_ADMIN}),
    "plan.save_contents": ("/plans/{own_plan}/contents", {"POST": A_AND_ADMIN}),
    "plan.add_purpose": ("/plans/{own_plan}/purposes", {"POST": A_AND_ADMIN}),
    "plan.purpose": ("/plans/{own_plan}/purposes/{purpose}", {"POST": A_AND_ADMIN}),
    "plan.add_recipient": ("/plans/{own_plan}/recipients", {"POST": A_AND_ADMIN}),
    "plan.recipient": ("/plans/{own_plan}/recipients/{recipient}", {"POST": A_AND_ADMIN}),
    "plan.add_assignment": ("/plans/{own_plan}/assignments", {"POST": A_AND_ADMIN}),
    "plan.change_assignment": ("/plans/{own_plan}/assignments/{assignment}", {"POST": A_AND_ADMIN}),
    "plan.issue": ("/plans/{own_plan}/issue", {"POST": A_AND_ADMIN}),
    "plan.copy": ("/plans/{own_plan}/copy", {"POST": A_AND_ADMIN}),
    "plan.submit": ("/plans/{plan}/submit", {"POST": BOARD_WORK}),
    "plan.return_plan": ("/plans/{plan}/return", {"POST": frozenset({"admin", "btv"})}),
    # thi đua: A's registration is scored by Ban Phong trào in the open review (its card alone);
    # registrations are every unit's own; reviews are run by TCKT, approved by BTV; files once closed
    "emulation.current": ("/emulation", {"GET": MEMBERS}),
    "emulation.index": ("/plans/{plan}/emulation", {"GET": MEMBERS}),
    "emulation.register": ("/plans/{plan}/registrations", {"GET": REGISTRANTS, "POST": REGISTRANTS}),
    "emulation.open_review": ("/plans/{plan}/reviews/new", {"GET": BOARD_WORK, "POST": BOARD_WORK}),
    "emulation.review": ("/reviews/{review_open}", {"GET": MEMBERS}),
    "emulation.close_review": ("/reviews/{review_open}/close", {"POST": BOARD_WORK}),
    "emulation.scorecard": ("/scorecards/{scorecard}", {"GET": SCORER, "POST": SCORER}),
    "emulation.recognise": ("/reviews/{review_closed}/recognitions", {"POST": BOARD_WORK}),
    "emulation.commend": ("/reviews/{review_closed}/commendations", {"POST": BOARD_WORK}),
    "emulation.withdraw_commendation": ("/commendations/{commendation}/withdraw", {"POST": BOARD_WORK}),
    "emulation.propose": ("/reviews/{review_closed}/propose", {"POST": BOARD_WORK}),
    "emulation.decide": ("/reviews/{review_proposed}/decide", {"POST": frozenset({"admin", "btv"})}),
    "emulation.proposal_docx": ("/reviews/{review_approved}/proposal.docx", {"GET": READ_ALL_REPORTS}),
    "emulation.awards_docx": ("/reviews/{review_approved}/awards.docx", {"GET": READ_ALL_REPORTS}),
    "emulation.scores_xlsx": ("/reviews/{review_approved}/scores.xlsx", {"GET": MEMBERS}),
    # admin
    "admin.units": ("/admin/units", {"GET": ADMIN}),
    "admin.add_unit": ("/admin/units", {"POST": ADMIN}),
    "admin.unit": ("/admin/units/{unit_a}", {"GET": ADMIN}),
    "admin.edit_unit": ("/admin/units/{unit_a}/edit", {"POST": ADMIN}),
    "admin.close_unit": ("/admin/units/{unit_a}/close", {"POST": ADMIN}),
    "admin.reopen_unit": ("/admin/units/{unit_a}/reopen", {"POST": ADMIN}),
    "admin.users": ("/admin/users", {"GET": ADMIN}),
    "admin.add_user": ("/admin/users", {"POST": ADMIN}),
    "admin.user": ("/admin/users/{user_a}", {"GET": ADMIN}),
    "admin.edit_user": ("/admin/users/{user_a}/edit", {"POST": ADMIN}),
    "admin.disable_user": ("/admin/users/{user_a}/disable", {"POST": ADMIN}),
    "admin.enable_user": ("/admin/users/{user_a}/enable", {"POST": ADMIN}),
    "admin.reset_password": ("/admin/users/{user_a}/reset-password", {"POST": ADMIN}),
    "admin.throttles": ("/admin/throttles", {"GET": ADMIN}),
    "admin.clear_throttle": ("/admin/throttles/clear", {"POST": ADMIN}),
}


def post_data(endpoint: str, ids: dict) -> dict:
    """A valid body for each write, so an allowed write really writes."""
    t, i = ids["task"], ids["item"]
    today = date.today().isoformat()
    # A fresh file each time: a posted file is read once.
    photo = {"photo": (BytesIO(small_jpeg()), "ảnh.jpg"), "note": "Ảnh ma trận"}
    return {
        "auth.login": {},
        "auth.password": {},
        "plan.acknowledge": {"briefed_on": "2021-07-10", "members_briefed": "12", "note": "Đã quán triệt"},
        "checklist.add_item": {f"add{t}-text": "Việc mới của ma trận"},
        "checklist.toggle": {"done": "0"},
        "checklist.edit_item": {f"edit{i}-text": "Việc đã sửa"},
        "checklist.move_item": {"direction": "down"},
        "checklist.mark_done": {f"done{t}-action": "done", f"done{t}-note": "Đã xong"},
        "checklist.comment": {f"comment{t}-text": "Một ý kiến"},
        "models.allocations": {f"a_{ids['target']}_{ids['unit_a']}": "1.000.000"},
        "models.record": {f"t{ids['target']}-recorded_on": "2021-08-01", f"t{ids['target']}-amount": "1.000.000",
                          f"t{ids['target']}-note": "Ma trận"},
        "models.correct": {"amount": "1", "reason": "Nhập nhầm"},
        "models.house_new": {"commune": "Xã An Trường", "beneficiary": "Hộ ông A", "status": "building"},
        "models.house_edit": {"commune": "Xã An Trường", "beneficiary": "Hộ ông B", "status": "building",
                              "version": str(ids["house_version"])},
        "models.road_new": {"name": "Đường mới", "commune": "Xã Tân An", "status": "building"},
        "models.road_edit": {"name": "Đường đã sửa", "commune": "Xã Tân An", "status": "building",
                             "version": str(ids["road_version"])},
        "evidence.house_add": photo,
        "evidence.road_add": photo,
        "evidence.initiative_add": photo,
        "evidence.item_add": photo,
        "models.own_new": {"field": "economy", "title": "Mô hình ma trận", "measure": "child", "amount": "10",
                           "label": "em"},
        "reports.new_period": {"name": "Kỳ ma trận", "kind": "other", "starts_on": "2021-01-01",
                               "cut_off_on": "2021-11-30", "due_on": "2021-12-15",
                               "units": [str(ids["unit_a"])]},
        "reports.save": {"version": str(ids["draft_version"]), "economy": "Đã lưu", "action": "draft"},
        "reports.review_report": {"action": "accept"},
        "reports.compile_report": {"confirm": "1"},
        "reports.send_compiled": {"confirm": "1"},
        "home.remind_period": {"unit": [str(ids["unit_a"])], "text": "Đề nghị nộp báo cáo"},
        "home.remind_initiative": {"unit": [str(ids["unit_a"])], "text": "Đề nghị cập nhật kết quả"},
        "reports.save_compiled": {"version": str(ids["compiled_version"]), "economy": "Tổng hợp"},
        "emulation.register": {},
        "emulation.open_review": {"title": "Đợt ma trận", "kind": "annual", "scores_due_on": "2021-12-10",
                                  "c0_name": "Kết quả", "c0_weight": "100", "evaluator_units": [str(ids["evaluator_board"])]},
        "emulation.scorecard": {f"p_{ids['criterion']}": "80", "comment": "Ma trận", "version": "1"},
        "emulation.close_review": {"version": "1"},
        "emulation.recognise": {"registrations": [str(ids["registration"])], "version": "1"},
        "emulation.commend": {"kind": "collective", "award": "bang_khen", "unit_id": str(ids["unit_a"]),
                              "achievement": "Ma trận", "version": "1"},
        "emulation.propose": {"number": "99", "issued_on": "2021-12-03", "signer_title": "Trưởng ban",
                              "signer_name": "Ma Trận", "version": "1"},
        "emulation.decide": {"action": "approve", "version": "1"},
        "admin.add_unit": {"name": "Đoàn Ma trận", "short_name": "Ma trận", "kind": "affiliated", "parent_id": ""},
        "admin.edit_unit": {"name": "Huyện đoàn Càng Long mới", "short_name": "Càng Long",
                            "kind": "district", "parent_id": ""},
        "admin.close_unit": {"closed_on": today},
        "admin.add_user": {"username": "matran", "unit_id": str(ids["unit_a"])},
        "admin.edit_user": {"full_name": "Tên mới", "unit_id": str(ids["unit_a"])},
    }.get(endpoint, {})


@pytest.fixture(scope="module")
def world(tmp_path_factory, seeded_db):
    w = make_world(tmp_path_factory, seeded_db)
    w.ids["asset"] = w.app.jinja_env.globals["asset_url"]("site.css")
    yield w
    w.close()


def _url(endpoint: str, ids: dict) -> str:
    template = ENDPOINTS[endpoint][0]
    return template.format(**ids) if template != "{asset}" else ids["asset"]


def test_every_route_is_in_the_matrix(world):
    """A new route cannot slip in unreviewed: url_map and the matrix list the same endpoints and methods."""
    routed: dict[str, set[str]] = {}
    for rule in world.app.url_map.iter_rules():
        routed.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    assert set(routed) == set(ENDPOINTS), (set(routed) ^ set(ENDPOINTS))
    for endpoint, methods in routed.items():
        assert methods == set(ENDPOINTS[endpoint][1]), endpoint
    # Each URL of the matrix really reaches its endpoint.
    adapter = world.app.url_map.bind("localhost")
    for endpoint in ENDPOINTS:
        url = _url(endpoint, world.ids).split("?")[0]
        for method in ENDPOINTS[endpoint][1]:
            assert adapter.match(url, method=method)[0] == endpoint, (endpoint, url)


def run_matrix(world, headers=None, *, skip_allowed_writes=False) -> tuple[int, list[str]]:
    """Exercise every cell; return the number of cells and the list of mismatches.

    Every cell starts from the same database (restored after anything commits), so "unchanged"
    means: no commit at all (PRAGMA data_version), or a content hash equal to the pristine one.
    """
    cells, problems = 0, []
    for endpoint, (_template, methods) in ENDPOINTS.items():
        url = _url(endpoint, world.ids)
        for method, allowed in methods.items():
            for actor in ACTORS:
                if skip_allowed_writes and method != "GET" and actor in allowed:
                    continue
                world.mark()
                data = post_data(endpoint, world.ids) if method == "POST" else None
                response = world.call(actor, method, url, data=data, headers=headers)
                response.close()
                changed = world.changed()
                got = outcome(response)
                if endpoint == "auth.logout" and got == "refused" and changed:
                    got = "allowed"  # logging out ends the server session and goes to the login page
                want = "allowed" if actor in allowed else "refused"
                cells += 1
                if got != want:
                    problems.append(f"{method} {url} as {actor}: {got} ({response.status_code}), expected {want}")
                if changed and method == "GET":
                    problems.append(f"GET {url} as {actor} committed to the database (R28)")
                after = world.snapshot() if changed else world.pristine_hash
                if want == "refused" and after != world.pristine_hash:
                    problems.append(f"refused {method} {url} as {actor} changed the database")
                if want == "allowed" and changed and after[1]["change"] <= world.pristine_hash[1]["change"]:
                    problems.append(f"{method} {url} as {actor} wrote without a trace row (R41)")
                if changed:
                    world.restore()
    return cells, problems


def test_matrix(world):
    """Every (endpoint, method, actor) cell: allowed where the table says, refused elsewhere."""
    cells, problems = run_matrix(world)
    print(f"\nauthorization cells checked: {cells}; restores after allowed writes: {world.restores}")
    assert cells >= 10 * len(ENDPOINTS)
    assert not problems, "\n".join(problems)


def test_matrix_for_htmx_requests(world):
    """The same answers when htmx asks (fragments are a second code path in many views)."""
    cells, problems = run_matrix(world, headers=HX, skip_allowed_writes=True)
    print(f"\nauthorization cells checked with HX-Request: {cells}")
    assert not problems, "\n".join(problems)


def test_refusals_leave_no_partial_trace(world):
    """A disabled login and an anonymous visitor are sent to the login page, for htmx as well."""
    for actor in (ANON, DISABLED):
        response = world.call(actor, "GET", "/", headers=HX)
        assert response.status_code == 204 and response.headers["HX-Redirect"].startswith("/login")
        response = world.call(actor, "POST", f"/items/{world.ids['item']}/toggle", data={"done": "1"})
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_every_write_needs_the_csrf_token(world):
    """R29: with CSRF on (as in production), a write without a token, or with a bad one, is 400."""
    world.app.config["WTF_CSRF_ENABLED"] = True
    checked = 0
    try:
        for endpoint, (_template, methods) in ENDPOINTS.items():
            if "POST" not in methods:
                continue
            url = _url(endpoint, world.ids)
            for actor in ("canglong", "admin", "tckt"):
                for headers in (None, {"X-CSRFToken": "forged"}, HX | {"X-CSRFToken": ""}):
                    world.mark()
                    response = world.call(actor, "POST", url, data=post_data(endpoint, world.ids),
                                          headers=headers)
                    assert response.status_code in (400, 204), (endpoint, actor, response.status_code)
                    if response.status_code == 204:  # htmx: the page reloads to get a fresh token
                        assert response.headers["HX-Refresh"] == "true"
                    assert not world.changed(), f"{endpoint} as {actor} wrote without a valid token"
                    checked += 1
    finally:
        world.app.config["WTF_CSRF_ENABLED"] = False
    print(f"\nCSRF negative cases checked: {checked}")


def test_a_unit_cannot_set_a_reporting_schedule_on_its_own_plan(world):
    """A district is the standing unit of its own plan, yet only the province plan has report periods.

    Otherwise Càng Long could open a period on its own plan that obliges every district and board
    to report to it, and then read their reports as that plan's coordinator.
    """
    url = f"/plans/{world.ids['own_plan']}/periods/new"
    data = post_data("reports.new_period", world.ids) | {"units": [str(world.ids["unit_b"])]}
    for actor in ("canglong", "tckt"):
        world.mark()
        assert world.call(actor, "GET", url).status_code == 404
        assert world.call(actor, "POST", url, data=data).status_code == 404
        assert not world.changed()
