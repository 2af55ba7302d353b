"""Bad input through every form (TRUST.md R17, R21–R25): never a 500, never markup from user text.

Each text payload goes into every text field of every form a unit or the board can reach; then
the pages and htmx fragments that show the field are parsed: the payload must not have created an
element or an attribute. Numbers go through every amount field. Extra fields (unit_id, status,
version, is_admin…) must not reach the stored row.
"""

from __future__ import annotations

import json
import sqlite3
from html.parser import HTMLParser

import pytest

from tests import bad_inputs as bad
from tests.authz_support import make_world
from tests.conftest import HX

WORLD: list = []
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
    con = sqlite3.connect(WORLD[0].path)
    try:
        return con.execute("SELECT version FROM " + table + " WHERE id = ?", (row_id,)).fetchone()[0]
    finally:
        con.close()


def forms(ids: dict) -> list[dict]:
    """Every form with free text: who posts it, its fields, and where the text is shown."""
    t, i, a = ids["task"], ids["item"], ids["unit_a"]
    checklist = ("cauke", f"/units/{a}/checklist", None)
    return [
        dict(actor="canglong", url=f"/tasks/{t}/items", fields=[f"add{t}-text", f"add{t}-responsible"],
             base={}, show=[checklist, ("cauke", f"/tasks/{t}?part=items", HX), ("btv", "/province", None)]),
        dict(actor="canglong", url=f"/tasks/{t}/comments", fields=[f"comment{t}-text"], base={},
             show=[("cauke", f"/tasks/{t}?part=comments", HX)]),
        dict(actor="canglong", url=f"/tasks/{t}/done", fields=[f"done{t}-note"], base={f"done{t}-action": "done"},
             show=[("cauke", f"/tasks/{t}?part=head", HX), checklist], each=True,
             reset={f"done{t}-action": "reopen"}),
        dict(actor="canglong", url=f"/items/{i}/edit", fields=[f"edit{i}-text", f"edit{i}-responsible"],
             base={f"edit{i}-text": "Việc"}, show=[("cauke", f"/items/{i}", HX)], each=True),
        dict(actor="canglong", url=f"/initiatives/{ids['house_initiative']}/houses/new",
             fields=["commune", "beneficiary", "note"],
             base={"commune": "Xã", "beneficiary": "Hộ", "status": "building"},
             show=[("cauke", f"/initiatives/{ids['house_initiative']}", None)]),
        dict(actor="canglong", url=f"/houses/{ids['house']}/edit", fields=["beneficiary", "note"],
             base=lambda: {"commune": "Xã", "beneficiary": "Hộ", "status": "building",
                           "version": str(_current("house", ids["house"]))},
             show=[("cauke", f"/initiatives/{ids['house_initiative']}", None)], each=True),
        dict(actor="canglong", url=f"/initiatives/{ids['road_initiative']}/roads/new",
             fields=["name", "commune", "note"], base={"name": "Đường", "commune": "Xã", "status": "building"},
             show=[("cauke", f"/initiatives/{ids['road_initiative']}", None)]),
        dict(actor="canglong", url=f"/targets/{ids['target']}/progress", fields=[f"t{ids['target']}-note"],
             base={f"t{ids['target']}-recorded_on": "2021-08-01", f"t{ids['target']}-amount": "1.000"},
             show=[("cauke", f"/initiatives/{ids['initiative']}", None)]),
        dict(actor="canglong", url=f"/units/{a}/initiatives/new", fields=["title", "description", "label"],
             base={"field": "economy", "title": "Mô hình", "measure": "child", "amount": "10", "label": "em"},
             show=[("cauke", f"/plans/{ids['own_plan']}/initiatives", None), ("canglong", "/", None)]),
        dict(actor="canglong", url=f"/reports/{ids['draft']}",
             fields=["economy", "proposals", "lines-0-item", "lines-0-measure"],
             base=lambda: {"version": str(_current("report", ids["draft"])), "action": "draft",
                           "lines-0-item": "Số", "lines-0-amount": "5"},
             show=[("canglong", f"/reports/{ids['draft']}", None), ("tckt", f"/reports/{ids['draft']}", HX)],
             each=True),
        dict(actor="canglong", url=f"/plans/{ids['plan']}/acknowledge", fields=["note"],
             base={"briefed_on": "2021-07-10", "members_briefed": "12"},
             show=[("canglong", f"/plans/{ids['plan']}", None)], each=True),
        dict(actor="tckt", url=f"/periods/{ids['period']}/compiled", fields=["economy", "code"],
             base=lambda: {"version": str(_current("compiled_report", ids["compiled"]))},
             show=[("btv", f"/periods/{ids['period']}/compiled", None)], each=True),
        dict(actor="tckt", url=f"/plans/{ids['plan']}/periods/new", fields=["name"],
             base={"kind": "other", "starts_on": "2021-01-01", "cut_off_on": "2021-11-30",
                   "due_on": "2021-12-15", "units": [str(a)]},
             show=[("tckt", "/reports", None), ("canglong", "/", None)]),
        dict(actor="admin", url="/admin/units", fields=["name", "short_name"],
             base=lambda: {"name": f"Đơn vị {COUNTS['bad inputs tried']}",
                           "short_name": f"ĐV {COUNTS['bad inputs tried']}", "kind": "affiliated", "parent_id": ""},
             show=[("admin", "/admin/units", None)]),
        dict(actor="admin", url=f"/admin/units/{a}/edit", fields=["name"],
             base={"short_name": "Càng Long", "kind": "district", "parent_id": ""},
             show=[("admin", "/admin/units", None), ("cauke", f"/units/{a}/checklist", None),
                   ("btv", "/province", None)], each=True),
        dict(actor="admin", url=f"/admin/users/{ids['user_a']}/edit", fields=["full_name"],
             base={"unit_id": str(a)}, show=[("admin", "/admin/users", None)], each=True),
    ]


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


def test_text_corpus_through_every_text_field(world):
    shown = 0
    for n, form in enumerate(forms(world.ids)):
        markers = []
        for field in form["fields"]:
            for name, payload in bad.TEXT_CORPUS.items():
                marker = f"ZQ{n}x{len(markers)}"
                value = payload if name == "kb64" else f"{marker} {payload}"
                response = _post(world, form, field, value)
                if name == "kb64":
                    assert response.status_code == 200 and "Tối đa" in response.text, (form["url"], field)
                    audit(response.text)
                    continue
                markers.append(marker)
                if form.get("each"):
                    pages = list(_show(world, form, marker, payload))
                    shown += any(marker in page for page in pages)
        if not form.get("each"):
            pages = list(_show(world, form))
            shown += sum(any(m in page for page in pages) for m in markers)
    # The payloads were really displayed somewhere (else this test would prove nothing).
    assert shown > 200, shown


def test_login_form_reflects_the_username_safely(world):
    for name, payload in bad.TEXT_CORPUS.items():
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
            for headers in (None, HX):
                response = world.call(actor, "POST", url, data=data, headers=headers)
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
