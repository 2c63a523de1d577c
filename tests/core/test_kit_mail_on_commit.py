"""A notification's e-mail leaves only once the transition that caused it is committed: a transition rolled
back (by a later failure in the same request) mails nobody; a committed one mails each person once, and the
unit's mailbox once."""

import pytest
from django.core import mail
from django.db import transaction

from envbureau.complaints import services as complaints


class Boom(Exception):
    pass


@pytest.fixture
def office(demo_core, settings):
    from envbureau.core.models import Role, RoleAssignment, User

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    u = User.objects.create(username="mail_office", display_name="信访办 钱", email="office@example.org")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="complaints_office"))
    return u


def _complaint():
    from envbureau.complaints.models import Complaint
    from envbureau.core.models import Jurisdiction

    return complaints.register(None, Complaint(channel="hotline", category="noise", title="夜间施工(邮件)",
                                               content="噪声", jurisdiction=Jurisdiction.objects.get(code="110105")),
                               suggest=False)


def test_a_rolled_back_transition_sends_no_mail(office, django_capture_on_commit_callbacks):
    from envbureau.core.models import Notification

    c = _complaint()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            complaints.accept(office, c)  # opens 交办 for the office: a notice, and a mail once saved
            assert Notification.objects.filter(recipient=office, message__contains="交办").count() == 1
            assert mail.outbox == []  # not while the transaction is open
            raise Boom
    assert mail.outbox == [] and callbacks == []
    assert not Notification.objects.filter(recipient=office, message__contains="交办").exists()
    c.refresh_from_db()
    assert c.state == "registered"


def test_a_committed_transition_sends_exactly_one_mail(office, django_capture_on_commit_callbacks):
    from envbureau.core.models import Notification

    c = _complaint()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        complaints.accept(office, c)
    assert [(m.to, "交办" in m.subject) for m in mail.outbox] == [(["office@example.org"], True)]
    n = Notification.objects.get(recipient=office, message__contains="交办")
    assert n.emailed_at is not None


def test_a_unit_with_a_mailbox_gets_one_mail_once_committed(office, django_capture_on_commit_callbacks):
    from envbureau.core.models import Jurisdiction, Unit

    unit = Unit.objects.create(code="cy-cg", name="朝阳区城管委", kind="agency", email="cg@example.org",
                               jurisdiction=Jurisdiction.objects.get(code="110105"))
    c = _complaint()
    complaints.accept(office, c)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        complaints.assign(office, c, unit)
        assert mail.outbox == []
    for cb in callbacks:
        cb()
    # the unit's mailbox, and the office (complaints.handle city-wide, nobody nearer in 朝阳区): once each
    assert sorted(m.to[0] for m in mail.outbox) == ["cg@example.org", "office@example.org"]
