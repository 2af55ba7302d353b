"""Bad input through every form (TRUST.md R17, R21–R25): never a 500, never markup from user text.

Each text payload goes into every text field of every form a unit or the board can reach; then
the pages and htmx fragments that show the field are parsed: the payload must not have created an
element or an attribute. Numbers go through every amount field. Extra fields (unit_id, status,
version, is_admin…) must not reach the stored row.
"""

from __future__ import annotations

import json
from collections import defaultdict
from html.parser import HTMLParser
from io import BytesIO

import pytest

from tests import bad_inputs as bad
from tests.authz_support import make_world, small_jpeg
from tests.conftest import HX

WORLD: list = []
# Payloads that could create markup: shown and parsed after each save of a single-object form.
MARKUP = {"xss_script", "xss_img", "xss_attr", "js_url", "ssti", "hx_gadget", "hx_post_gadget", "hx_vals_breaker"}
COUNTS = {"bad inputs tried": 0, "pages parsed": 0}


@pytest.fixture(scope="module")
def world(tmp_path_factory, seeded_db):
    w = make_world(tmp_path_factory, seeded_db)
    WORLD[:] = [w]
    yield w
    w.close()
    print(f"\n{COUNTS}")


class MarkupAudit(HTMLParser):
    """Collect every element or attribute a payload could have created."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and "src" not in values:
            self.found.append("inline <script>")
        if tag == "img" and values.get("src") == "x":
            self.found.append("<img src=x>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if name.startswith("hx-") and ("/logout" in value or "/delete" in value):
                self.found.append(f"{name}={value!r}")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith("javascript:"):
                self.found.append(f"{name}={value!r}")
            if name in ("hx-vals", "hx-headers"):
                parsed = json.loads(value)
                if "unit_id" in parsed:
                    self.found.append(f"{name} carries unit_id")


def audit(html: str, marker: str | None = None, payload: str | None = None) -> None:
    parser = MarkupAudit()
    parser.feed(html)
    assert not parser.found, parser.found
    if payload == bad.SSTI and marker and marker in html:
        assert f"{marker} {{{{7*7}}}}" in html and f"{marker} 49" not in html
    COUNTS["pages parsed"] += 1


def _current(table: str, row_id: int) -> int:
    """Return the stored version of a row (edit forms carry it, R39)."""
    return WORLD[0].scalar(f"SELECT version FROM {table} WHERE id = :id", id=row_id)


def forms(ids: dict) -> dict[str, dict]:
    """Every form with free text: who posts it, its fields, and where the text is shown."""
    t, i, a = ids["task"], ids["item"], ids["unit_a"]
    checklist = ("cauke", f"/units/{a}/checklist", None)
    return {
        "checklist item": dict(
            actor="canglong", url=f"/tasks/{t}/items", fields=[f"add{t}-text", f"add{t}-responsible"],
            base={}, show=[checklist, ("cauke", f"/tasks/{t}?part=items", HX)]),
        "comment": dict(
            actor="canglong", url=f"/tasks/{t}/comments", fields=[f"comment{t}-text"], base={},
            show=[("cauke", f"/tasks/{t}?part=comments", HX)]),
        "task done note": dict(
            actor="canglong", url=f"/tasks/{t}/done", fields=[f"done{t}-note"], base={f"done{t}-action": "done"},
            show=[("cauke", f"/tasks/{t}?part=head", HX), checklist], each=True,
            reset={f"done{t}-action": "reopen"}),
        "checklist item edit": dict(
            actor="canglong", url=f"/items/{i}/edit", fields=[f"edit{i}-text", f"edit{i}-responsible"],
            base={f"edit{i}-text": "Việc"}, show=[("cauke", f"/items/{i}", HX)], each=True),
        "new house": dict(
            actor="canglong", url=f"/initiatives/{ids['house_initiative']}/houses/new",
            fields=["commune", "beneficiary", "note"],
            base={"commune": "Xã", "beneficiary": "Hộ", "status": "building"},
            show=[("cauke", f"/initiatives/{ids['house_initiative']}", None)]),
        "house edit": dict(
            actor="canglong", url=f"/houses/{ids['house']}/edit", fields=["beneficiary", "note"],
            base=lambda: {"commune": "Xã", "beneficiary": "Hộ", "status": "building",
                          "version": str(_current("house", ids["house"]))},
            show=[("cauke", f"/initiatives/{ids['house_initiative']}", None)], each=True),
        "new road": dict(
            actor="canglong", url=f"/initiatives/{ids['road_initiative']}/roads/new",
            fields=["name", "commune", "note"], base={"name": "Đường", "commune": "Xã", "status": "building"},
            show=[("cauke", f"/initiatives/{ids['road_initiative']}", None)]),
        "photo note": dict(
            actor="canglong", url=f"/houses/{ids['house']}/evidence", fields=["note"],
            base=lambda: {"photo": (BytesIO(small_jpeg()), "ảnh.jpg")},  # a posted file is read once
            show=[("cauke", f"/houses/{ids['house']}/evidence", None),
                  ("canglong", f"/houses/{ids['house']}/edit", None)]),
        "progress note": dict(
            actor="canglong", url=f"/targets/{ids['target']}/progress", fields=[f"t{ids['target']}-note"],
            base={f"t{ids['target']}-recorded_on": "2021-08-01", f"t{ids['target']}-amount": "1.000"},
            show=[("cauke", f"/initiatives/{ids['initiative']}", None)]),
        "own mô hình": dict(
            actor="canglong", url=f"/units/{a}/initiatives/new", fields=["title", "description", "label"],
            base={"field": "economy", "title": "Mô hình", "measure": "child", "amount": "10", "label": "em"},
            show=[("cauke", f"/plans/{ids['own_plan']}/initiatives", None)]),
        "report": dict(
            actor="canglong", url=f"/reports/{ids['draft']}",
            fields=["economy", "proposals", "lines-0-item", "lines-0-measure"],
            base=lambda: {"version": str(_current("report", ids["draft"])), "action": "draft",
                          "lines-0-item": "Số", "lines-0-amount": "5"},
            show=[("canglong", f"/reports/{ids['draft']}", None), ("tckt", f"/reports/{ids['draft']}", HX)],
            each=True),
        "quán triệt": dict(
            actor="canglong", url=f"/plans/{ids['plan']}/acknowledge", fields=["note"],
            base={"briefed_on": "2021-07-10", "members_briefed": "12"},
            show=[("canglong", f"/plans/{ids['plan']}", None)], each=True),
        "compiled report": dict(
            actor="tckt", url=f"/periods/{ids['period']}/compiled", fields=["economy", "code"],
            base=lambda: {"version": str(_current("compiled_report", ids["compiled"]))},
            show=[("btv", f"/periods/{ids['period']}/compiled", None)], each=True),
        "new period": dict(
            actor="tckt", url=f"/plans/{ids['plan']}/periods/new", fields=["name"],
            base={"kind": "other", "starts_on": "2021-01-01", "cut_off_on": "2021-11-30",
                  "due_on": "2021-12-15", "units": [str(a)]},
            show=[("tckt", "/reports", None), ("canglong", "/", None)]),
        "new unit": dict(
            actor="admin", url="/admin/units", fields=["name", "short_name"],
            base=lambda: {"name": f"Đơn vị {COUNTS['bad inputs tried']}",
                          "short_name": f"ĐV {COUNTS['bad inputs tried']}", "kind": "affiliated", "parent_id": ""},
            show=[("admin", "/admin/units", None)]),
        "unit edit": dict(
            actor="admin", url=f"/admin/units/{a}/edit", fields=["name"],
            base={"short_name": "Càng Long", "kind": "district", "parent_id": ""},
            show=[("cauke", f"/units/{a}/checklist", None), ("btv", "/province", None)], each=True),
        "account edit": dict(
            actor="admin", url=f"/admin/users/{ids['user_a']}/edit", fields=["full_name"],
            base={"unit_id": str(a)}, show=[("admin", "/admin/users", None)], each=True),
    }


def _post(world, form, field, value):
    if "reset" in form:  # e.g. reopen the task, so the "done" form (and its errors) is shown again
        assert world.call(form["actor"], "POST", form["url"], data=form["reset"]).status_code == 302
    base = form["base"]() if callable(form["base"]) else dict(form["base"])
    response = world.call(form["actor"], "POST", form["url"], data=base | {field: value})
    COUNTS["bad inputs tried"] += 1
    assert response.status_code < 500, (form["url"], field, response.status_code)
    return response


def _show(world, form, marker=None, payload=None):
    for actor, url, headers in form["show"]:
        response = world.call(actor, "GET", url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        audit(response.text, marker, payload)
        yield response.text


# The names of the forms, for the test ids (the placeholder ids only fill the URLs of the list).
FORM_NAMES = tuple(forms(defaultdict(int)))


@pytest.mark.parametrize("name", FORM_NAMES)
def test_text_corpus_through_every_text_field(world, name):
    form = forms(world.ids)[name]
    n = FORM_NAMES.index(name)
    shown, markers = 0, []
    for field in form["fields"]:
        for payload_name, payload in bad.TEXT_CORPUS.items():
            marker = f"ZQ{n}x{len(markers)}"
            value = payload if payload_name == "kb64" else f"{marker} {payload}"
            response = _post(world, form, field, value)
            if payload_name == "kb64":
                assert response.status_code == 200 and "Tối đa" in response.text, (form["url"], field)
                audit(response.text)
                continue
            markers.append(marker)
            if form.get("each") and payload_name in MARKUP:
                pages = list(_show(world, form, marker, payload))
                shown += any(marker in page for page in pages)
    if not form.get("each"):
        pages = list(_show(world, form))
        shown += sum(any(m in page for page in pages) for m in markers)
    # The payloads were really displayed somewhere (else this test would prove nothing).
    assert shown > 0, name


def test_login_form_reflects_the_username_safely(world):
    for name in ("xss_img", "hx_gadget", "hx_vals_breaker", "ssti"):
        payload = bad.TEXT_CORPUS[name]
        response = world.call("anonymous", "POST", "/login", data={"username": payload, "password": "x"})
        COUNTS["bad inputs tried"] += 1
        assert response.status_code < 500
        audit(response.text)


def amount_forms(ids: dict) -> list[tuple[str, str, object, str]]:
    t = ids["target"]
    return [
        ("canglong", f"/targets/{t}/progress", {f"t{t}-recorded_on": "2021-08-01"}, f"t{t}-amount"),
        ("canglong", f"/progress/{ids['entry']}/correct", {"reason": "Sửa"}, "amount"),
        ("canglong", f"/plans/{ids['plan']}/acknowledge", {"briefed_on": "2021-07-10"}, "members_briefed"),
        ("canglong", f"/initiatives/{ids['house_initiative']}/houses/new",
         {"commune": "Xã", "beneficiary": "Hộ", "status": "building"}, "cost"),
        ("canglong", f"/initiatives/{ids['house_initiative']}/houses/new",
         {"commune": "Xã", "beneficiary": "Hộ", "status": "building"}, "funds_mobilised"),
        ("canglong", f"/initiatives/{ids['road_initiative']}/roads/new",
         {"name": "Đường", "commune": "Xã", "status": "building"}, "length_m"),
        ("canglong", f"/units/{ids['unit_a']}/initiatives/new",
         {"field": "economy", "title": "Mô hình", "measure": "child", "label": "em"}, "amount"),
        ("canglong", f"/units/{ids['unit_a']}/initiatives/new",
         {"field": "economy", "title": "Mô hình", "measure": "money", "label": "đồng", "amount": "5"}, "funds"),
        ("canglong", f"/initiatives/{ids['initiative']}/allocations", {}, f"a_{t}_{ids['unit_a']}"),
        ("canglong", f"/reports/{ids['draft']}",
         lambda: {"version": str(_current("report", ids["draft"])), "lines-0-item": "Số"}, "lines-0-amount"),
    ]


def test_numbers_corpus_through_every_amount_field(world):
    for actor, url, base, field in amount_forms(world.ids):
        for value in bad.NUMBERS:
            data = (base() if callable(base) else dict(base)) | {field: value}
            response = world.call(actor, "POST", url, data=data)
            COUNTS["bad inputs tried"] += 1
            assert response.status_code < 500, (url, field, value, response.status_code)
            if response.status_code == 200:
                audit(response.text)


def test_bad_ids_in_urls_are_404_never_500(world):
    for value in bad.BAD_IDS:
        for path in ("/items/{}", "/reports/{}", "/houses/{}/edit", "/tasks/{}", "/periods/{}/compiled",
                     "/live?unit={}&since={}"):
            response = world.call("canglong", "GET", path.replace("{}", value))
            COUNTS["bad inputs tried"] += 1
            assert response.status_code in (200, 403, 404), (path, value, response.status_code)
            response.close()


def _row(table: str, where: str, **params) -> dict:
    """Return the newest row of `table` matching `where` (named parameters), or {}."""
    return WORLD[0].row(f'SELECT * FROM "{table}" WHERE {where} ORDER BY id DESC LIMIT 1', **params)


def test_extra_fields_never_reach_the_stored_row(world):
    """R17: unit_id, status, created_by, version=999, is_admin… in a form body change nothing they name."""
    ids = world.ids
    a, b, t, i = ids["unit_a"], ids["unit_b"], ids["task"], ids["item"]
    extra = bad.MASS_ASSIGNMENT | {"unit_id": str(b), "task_id": "1", "initiative_id": "1",
                                   "target_id": "1", "plan_id": "99", "period_id": "99", "sent_at": "2021-01-01"}
    # "status" is a real field of the house and road forms; it is tried on reports and the board's work.
    extra.pop("status")
    no_version = {k: v for k, v in extra.items() if k != "version"}
    cases = [
        # (actor, url, body, table, row selector, columns that must keep their value or equal the given one)
        ("canglong", f"/tasks/{t}/items", {f"add{t}-text": "MA item"} | extra,
         "checklist_item", ("text = 'MA item'", {}), {"task_id": t}),
        ("canglong", f"/items/{i}/edit", {f"edit{i}-text": "MA edit"} | extra,
         "checklist_item", ("id = :id", {"id": i}), {"task_id": t, "text": "MA edit"}),
        ("canglong", f"/tasks/{t}/comments", {f"comment{t}-text": "MA comment"} | extra,
         "task_comment", ("text = 'MA comment'", {}), {"unit_id": a, "task_id": t}),
        ("canglong", f"/initiatives/{ids['house_initiative']}/houses/new",
         {"commune": "Xã", "beneficiary": "MA house", "status": "building"} | extra,
         "house", ("beneficiary = 'MA house'", {}), {"unit_id": a, "initiative_id": ids["house_initiative"]}),
        ("canglong", f"/houses/{ids['house']}/edit",
         {"commune": "Xã", "beneficiary": "MA house edit", "status": "building",
          "version": str(_current("house", ids["house"]))} | no_version,
         "house", ("id = :id", {"id": ids["house"]}), {"unit_id": a, "beneficiary": "MA house edit"}),
        ("canglong", f"/roads/{ids['road']}/edit",
         {"name": "MA road", "commune": "Xã", "status": "building",
          "version": str(_current("road", ids["road"]))} | no_version,
         "road", ("id = :id", {"id": ids["road"]}), {"unit_id": a, "name": "MA road"}),
        ("canglong", f"/targets/{ids['target']}/progress",
         {f"t{ids['target']}-recorded_on": "2021-08-01", f"t{ids['target']}-amount": "1.000",
          f"t{ids['target']}-note": "MA entry", f"t{ids['target']}-unit_id": str(b)} | extra,
         "progress_entry", ("note = 'MA entry'", {}), {"unit_id": a, "target_id": ids["target"]}),
        ("canglong", f"/plans/{ids['plan']}/acknowledge",
         {"briefed_on": "2021-07-10", "members_briefed": "3", "note": "MA ack"} | extra,
         "acknowledgement", ("note = 'MA ack'", {}), {"unit_id": a, "plan_id": ids["plan"]}),
        ("canglong", f"/reports/{ids['draft']}",
         {"version": str(_current("report", ids["draft"])), "economy": "MA report", "action": "draft",
          "status": "accepted"} | no_version,
         "report", ("id = :id", {"id": ids["draft"]}), {"unit_id": a, "status": "draft", "period_id": ids["period"]}),
        ("tckt", f"/periods/{ids['period']}/compiled",
         {"version": str(_current("compiled_report", ids["compiled"])), "economy": "MA compiled",
          "status": "sent"} | no_version,
         "compiled_report", ("id = :id", {"id": ids["compiled"]}), {"sent_at": None, "period_id": ids["period"]}),
        ("admin", f"/admin/users/{ids['user_a']}/edit",
         {"full_name": "MA name", "unit_id": str(a), "username": "hacked", "password_hash": "x"}
         | {k: v for k, v in no_version.items() if k not in ("is_admin", "unit_id")},  # the form's own fields
         "user", ("id = :id", {"id": ids["user_a"]}), {"username": "canglong", "active": 1, "full_name": "MA name"}),
        ("canglong", "/account/password", {"current": "x", "new": "y"} | extra,
         "user", ("id = :id", {"id": ids["user_a"]}), {"is_admin": 0, "unit_id": a}),
    ]
    for actor, url, body, table, (where, args), expected in cases:
        before = _row(table, where, **args)
        response = world.call(actor, "POST", url, data=body)
        assert response.status_code < 400, (url, response.status_code)
        after = _row(table, where, **args)
        assert after, f"{url}: nothing stored"
        for column, value in expected.items():
            assert after[column] == value, (url, column, after[column])
        for column in ("created_by_id", "is_admin"):
            if column in after and before:
                assert after[column] == before[column], (url, column)
        if "version" in after and before:
            assert after["version"] in (before["version"], before["version"] + 1), (url, after["version"])
    # version=999 in the body is a stale edit: shown as a conflict, nothing stored.
    house = _row("house", "id = :id", id=ids["house"])
    response = world.call("canglong", "POST", f"/houses/{ids['house']}/edit",
                          data={"commune": "Xã", "beneficiary": "MA stale", "status": "building", "version": "999"})
    assert response.status_code == 200
    assert _row("house", "id = :id", id=ids["house"]) == house
