"""Declaration rules: no back-dating beyond the limit, valid window, review by staff."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from envbureau.sources import services
from envbureau.sources.models import Declaration, DossierEvent


def test_backdating_limit(world, settings):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "SOURCES_DECLARATION_BACKDATE_HOURS": 24}
    now = timezone.now()
    u = world["ent_user"]
    with pytest.raises(ValidationError) as e:
        services.submit_declaration(u, enterprise=world["e1"], kind="device_fault", start=now - dt.timedelta(hours=25),
                                    end=now, reason="故障", now=now)
    assert "start" in e.value.message_dict
    d = services.submit_declaration(u, enterprise=world["e1"], kind="device_fault", start=now - dt.timedelta(hours=23),
                                    end=now + dt.timedelta(hours=1), reason="故障", now=now)
    assert d.status == "pending"


def test_window_must_be_positive_and_bounded(world, settings):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "SOURCES_DECLARATION_MAX_DAYS": 10}
    now = timezone.now()
    for start, end in [(now, now), (now + dt.timedelta(hours=2), now + dt.timedelta(hours=1)),
                       (now, now + dt.timedelta(days=11))]:
        with pytest.raises(ValidationError):
            services.submit_declaration(world["ent_user"], enterprise=world["e1"], kind="maintenance", start=start,
                                        end=end, reason="x", now=now)
    assert not Declaration.objects.exists()


def test_point_must_belong_to_enterprise_and_reason_required(world):
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.submit_declaration(world["ent_user"], enterprise=world["e1"], point=world["p2"], kind="maintenance",
                                    start=now, end=now + dt.timedelta(hours=1), reason="x")
    with pytest.raises(ValidationError):
        services.submit_declaration(world["ent_user"], enterprise=world["e1"], kind="maintenance",
                                    start=now, end=now + dt.timedelta(hours=1), reason="  ")


def test_other_enterprise_is_404(world):
    from django.http import Http404

    now = timezone.now()
    with pytest.raises(Http404):
        services.submit_declaration(world["ent_user"], enterprise=world["e2"], kind="maintenance", start=now,
                                    end=now + dt.timedelta(hours=1), reason="x")


def test_review_workflow(world, user_named):
    now = timezone.now()
    d = services.submit_declaration(world["ent_user"], enterprise=world["e1"], kind="maintenance", start=now,
                                    end=now + dt.timedelta(hours=4), reason="检修", factor="02")
    assert d.factor == "a21026"  # 2005 gas code for SO2 normalised
    with pytest.raises(PermissionDenied):
        services.approve_declaration(world["ent_user"], d.pk)
    with pytest.raises(PermissionDenied):
        services.approve_declaration(user_named("dongcheng"), d.pk)  # officers view only by default
    with pytest.raises(ValidationError):
        services.reject_declaration(user_named("enforcement"), d.pk, "")  # a rejection needs a reason
    d = services.approve_declaration(user_named("enforcement"), d.pk, "同意")
    assert d.status == "approved" and d.reviewed_by.username == "enforcement"
    with pytest.raises(ValidationError):
        services.reject_declaration(user_named("enforcement"), d.pk, "晚了")  # approved is final
    titles = list(DossierEvent.objects.filter(enterprise=world["e1"]).values_list("title", flat=True))
    assert any("通过" in t for t in titles) and any("提交" in t for t in titles)


def test_withdraw(world):
    now = timezone.now()
    d = services.submit_declaration(world["ent_user"], enterprise=world["e1"], kind="maintenance", start=now,
                                    end=now + dt.timedelta(hours=4), reason="检修")
    d = services.withdraw_declaration(world["ent_user"], d.pk)
    assert d.status == "withdrawn"
