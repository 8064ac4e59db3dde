"""Admin: roles, outbox preview and resend, audit log, exports (CSV with BOM, XLSX in event
time), evaluation results with hidden small groups; registrant data download and deletion."""
from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest
from sqlalchemy import select, update

from digiready.cli.main import main as cli
from symposium_portal.db import new_session
from symposium_portal.evaluation.models import EvaluationResponse, LearningObjective
from symposium_portal.programme.models import Event

from .conftest import Browser, confirm, outbox, register, registration

PASSWORD = "correct horse battery"


def staff(app, role: str, monkeypatch) -> Browser:
    monkeypatch.setenv("DIGIREADY_PORTAL_STAFF_PASSWORD", PASSWORD)
    email = f"{role}@org.example"
    assert cli(["portal", "create-staff", email, "--role", role]) == 0
    b = Browser(app.test_client())
    r = b.post_form("/admin/login", {"email": email, "password": PASSWORD})
    assert r.status_code == 303
    return b


def test_login_roles_and_403(portal_db, app, monkeypatch):
    anon = Browser(app.test_client())
    assert anon.get("/admin/").status_code == 302
    bad = anon.post_form("/admin/login", {"email": "viewer@org.example", "password": "nope"})
    assert bad.status_code == 401 and "Wrong email address or password" in bad.get_data(
        as_text=True)
    viewer = staff(app, "viewer", monkeypatch)
    assert viewer.get("/admin/").status_code == 200
    assert viewer.get("/admin/registrations").status_code == 200
    assert viewer.get("/evaluation/results").status_code == 200
    assert viewer.get("/admin/event").status_code == 403
    assert viewer.get("/admin/exports/registrations.csv").status_code == 403
    assert viewer.get("/admin/reports").status_code == 403
    r = viewer.get("/admin/event")
    assert "Not allowed" in r.get_data(as_text=True)
    moderator = staff(app, "moderator", monkeypatch)
    assert moderator.get("/admin/reports").status_code == 200
    assert moderator.get("/admin/event").status_code == 403


def test_capacity_change_promotes_and_is_audited(portal_db, app, monkeypatch, browser):
    dbs = new_session()
    dbs.execute(update(Event).values(capacity=1))
    dbs.commit()
    dbs.close()
    register(browser, "one@example.org")
    register(Browser(app.test_client()), "two@example.org")
    assert registration("two@example.org").status == "waitlisted"
    org = staff(app, "organiser", monkeypatch)
    r = org.post_form("/admin/event", {"capacity": "2", "registration_open": "y"})
    assert r.status_code == 303
    assert registration("two@example.org").status == "held"
    audit = org.get("/admin/audit").get_data(as_text=True)
    assert "Capacity changed" in audit and "Moved from the waiting list" in audit  # labels, not codes
    assert "2" in org.get("/admin/registrations?status=held").get_data(as_text=True)


def test_outbox_preview_and_resend(portal_db, app, monkeypatch, browser):
    register(browser, "out@example.org")
    msg = outbox(portal_db, "out@example.org")[0]
    viewer = staff(app, "viewer", monkeypatch)
    page = viewer.get(f"/admin/outbox/{msg.id}").get_data(as_text=True)
    assert msg.subject in page and "Send again" not in page
    assert viewer.post_form("/admin/", {},
                            action=f"/admin/outbox/{msg.id}/resend").status_code == 403
    org = staff(app, "organiser", monkeypatch)
    r = org.post_form(f"/admin/outbox/{msg.id}", {}, action=f"/admin/outbox/{msg.id}/resend")
    assert r.status_code == 303
    msgs = outbox(portal_db, "out@example.org")
    assert len(msgs) == 2 and msgs[1].status == "queued" and msgs[1].body == msgs[0].body


def test_exports_csv_bom_and_xlsx_in_event_time(portal_db, app, monkeypatch, browser):
    register(browser, "exp@example.org", full_name="Nguyễn Thị Hoa", role="=HYPERLINK()")
    reg = registration("exp@example.org")
    org = staff(app, "organiser", monkeypatch)
    r = org.get("/admin/exports/registrations.csv")
    assert r.status_code == 200 and r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0]["full_name"] == "Nguyễn Thị Hoa"
    assert rows[0]["role"] == "'=HYPERLINK()"  # no formula injection
    singapore = reg.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Singapore"))
    assert rows[0]["created_at (Asia/Singapore)"] == singapore.strftime("%Y-%m-%d %H:%M")
    x = org.get("/admin/exports/registrations.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(x.data)).active
    header = [c.value for c in ws[1]]
    col = header.index("created_at (Asia/Singapore)")
    cell = ws.cell(row=2, column=col + 1).value
    assert cell == singapore.replace(tzinfo=None, microsecond=cell.microsecond)
    assert ws.cell(row=2, column=header.index("full_name") + 1).value == "Nguyễn Thị Hoa"
    role = ws.cell(row=2, column=header.index("role") + 1)  # text, exactly as typed: no formula
    assert (role.value, role.data_type, role.quotePrefix) == ("=HYPERLINK()", "s", True)


def test_csv_export_cells_starting_with_tab_or_return_stay_text():
    from symposium_portal.exports import to_csv

    body = to_csv(["a", "b", "c"], [["\t=1+1", "\r=2+2", "-5"]], "UTC").decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body)))[1] == ["'\t=1+1", "'\r=2+2", "'-5"]


def test_evaluation_results_increase_nps_and_small_groups(portal_db, app, monkeypatch):
    monkeypatch.setenv("DIGIREADY_MIN_CELL_SIZE", "5")  # the one threshold of every area
    dbs = new_session()
    event = dbs.scalars(select(Event)).one()
    objectives = list(dbs.scalars(select(LearningObjective).order_by(LearningObjective.id)))
    o1, o2 = objectives[0].id, objectives[1].id
    # Six from Peru, two from Chile. Objective 1: 4 of 8 improved; objective 2: 2 of 8.
    rows = []
    for i in range(8):
        economy = "PE" if i < 6 else "CL"
        rows.append(EvaluationResponse(
            event_id=event.id, economy=economy, sector="msme", satisfaction=4, relevance=5,
            speakers=3, nps=[10, 9, 9, 8, 7, 3, 10, 0][i],
            ratings={str(o1): [2, 4] if i < 4 else [3, 3], str(o2): [1, 2] if i < 2 else [4, 4]},
            recommendations="More Q&A" if i == 0 else ""))
    dbs.add_all(rows)
    dbs.commit()
    dbs.close()
    viewer = staff(app, "viewer", monkeypatch)
    r = viewer.get("/evaluation/results")
    html = re.sub(r"\s+", " ", r.get_data(as_text=True))
    assert r.status_code == 200, html[html.find("<main"):][:600]
    assert "Net Promoter Score: 25.0" in html  # 4 promoters, 2 detractors of 8
    inc = re.findall(r'<td class="increased">([^<]+)</td>', html)
    assert inc[:2] == ["50.0 %", "25.0 %"]
    assert "Hidden: a group of fewer than 5 responses" in html
    chile_row = html[html.index("Chile"):html.index("Chile") + 200]
    assert "Hidden" in chile_row
    # Peru (6) is hidden with Chile (2): overall − Peru would otherwise give Chile's answers.
    peru_row = html[html.index("Peru"):html.index("Peru") + 200]
    assert "Hidden" in peru_row
    r = viewer.get("/admin/exports/evaluation.csv")
    table = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    chile = next(row for row in table if row[1] == "Chile")
    peru = next(row for row in table if row[1] == "Peru")
    assert set(chile[2:]) == set(peru[2:]) == {"hidden"}
    overall = next(row for row in table if row[0] == "all")
    assert overall[2] == "8" and overall[6] == "25.0" and overall[7] == "50.0"


def test_registrant_downloads_and_deletes_data(portal_db, app, browser):
    register(browser, "mine@example.org", full_name="Kila Aisi")
    confirm(browser, "mine@example.org")
    r = browser.get("/me/data.json")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    data = json.loads(r.data)
    assert data["email"] == "mine@example.org" and data["full_name"] == "Kila Aisi"
    assert "link_nonce" not in data
    assert [e["subject"].split(" –")[0] for e in data["emails"]] == [
        "Confirm your email address to keep your seat", "Your seat is confirmed"]
    r = browser.post_form("/me/delete", {})
    assert r.status_code == 200 and "Your account is deleted" in r.get_data(as_text=True)
    assert registration("mine@example.org") is None
    assert outbox(portal_db, "mine@example.org") == []
    assert browser.get("/me").status_code == 302


@pytest.mark.parametrize("cmd", [["portal", "seed-demo"], ["portal", "expire-holds"]])
def test_cli_commands(portal_db, cmd, capsys):
    assert cli(cmd) == 0
    assert capsys.readouterr().out.strip()


def test_load_programme_file_and_errors(portal_db, tmp_path, capsys):
    import yaml

    assert cli(["portal", "programme-template"]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    data["event"]["title"] = "Lima Symposium"
    data["event"]["timezone"] = "America/Lima"
    path = tmp_path / "programme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert cli(["portal", "load-programme", str(path), "--replace"]) == 0
    dbs = new_session()
    event = dbs.scalars(select(Event)).one()
    from symposium_portal.programme.models import Session

    first = dbs.scalars(select(Session).order_by(Session.starts_at)).first()
    assert (event.title, event.timezone) == ("Lima Symposium", "America/Lima")
    # 13:00 in Lima (UTC-5) is 18:00 UTC.
    assert first.starts_at.isoformat() == "2027-03-09T18:00:00+00:00"
    dbs.close()
    data["sessions"][2]["speakers"] = ["nobody"]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert cli(["portal", "load-programme", str(path), "--replace"]) == 1
    err = capsys.readouterr().err
    assert "sessions[2].speakers: unknown speaker key 'nobody'" in err
    assert "Traceback" not in err
    dbs = new_session()
    assert dbs.scalars(select(Event)).one().title == "Lima Symposium"  # nothing half-done
    dbs.close()


@pytest.mark.parametrize("text, expected", [
    ("a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8)), "values"),
    ("event: !!python/name:os.system\n", "tag"),
    ("event: [unclosed\n", "programme.yaml:"),
])
def test_load_programme_refuses_hostile_yaml_in_one_line(portal_db, tmp_path, capsys, text,
                                                          expected):
    """The programme file goes through the packs' bounded loader: an alias bomb, a Python
    tag or a syntax error is one line naming the file, never a traceback or a hang."""
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    assert cli(["portal", "load-programme", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and expected in err, err
    assert err.count("\n") == 1


def test_capacity_below_the_seats_taken_is_refused_with_the_count(portal_db, app, monkeypatch,
                                                                   browser):
    register(browser, "a@example.org")
    register(Browser(app.test_client()), "b@example.org")
    register(Browser(app.test_client()), "c@example.org")
    org = staff(app, "organiser", monkeypatch)
    r = org.post_form("/admin/event", {"capacity": "2", "registration_open": "y"})
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "3 seats are already taken, so the capacity cannot be lower than 3" in page
    assert 'aria-invalid="true"' in page
    dbs = new_session()
    assert dbs.scalar(select(Event.capacity)) == 300  # nothing saved
    dbs.close()
    assert "event.capacity" not in org.get("/admin/audit").get_data(as_text=True)
    assert org.post_form("/admin/event", {"capacity": "3",
                                          "registration_open": "y"}).status_code == 303
    # The service refuses too (a seat taken between the form and the save).
    from symposium_portal.registration import service

    dbs = new_session()
    event = dbs.scalars(select(Event)).one()
    with pytest.raises(service.CapacityBelowTaken) as below:
        service.set_capacity(dbs, event, 1, "test")
    assert below.value.taken == 3
    dbs.close()
