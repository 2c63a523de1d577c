"""Forms show what is already known: the assignment form carries the deadline already set (in Chinese too)."""

import datetime as dt

from django.test import Client


def test_assignment_form_shows_the_deadline_already_set(actors, make_problem):
    p = make_problem(deadline=dt.date(2030, 6, 30))
    c = Client()
    c.force_login(actors["mgr"])
    page = c.get(f"/ledger/problems/{p.pk}/do/assign/").content.decode()
    # <input type="date"> shows only an ISO value: "2030/06/30" (Django's Chinese default) would leave it blank
    assert 'type="date"' in page and 'value="2030-06-30"' in page and "2030/06/30" not in page
    assert "王五" in page and "东华门街道办事处" in page
    # what people type in either form is still understood
    r = c.post(f"/ledger/problems/{p.pk}/do/assign/", {"responsible_units": "东城区生态环境局", "deadline": "2030/07/01"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.deadline == dt.date(2030, 7, 1)
