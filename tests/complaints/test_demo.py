import pytest

pytestmark = pytest.mark.django_db


def test_demo_step_is_idempotent_and_spread(demo_core):
    from envbureau.complaints.demo import load_demo
    from envbureau.complaints.models import Complaint, DuplicateLink, MonthlySummary
    from envbureau.core.models import RoleAssignment

    load_demo(lambda m: None, n=60)
    n = Complaint.objects.count()
    assert n >= 60 and MonthlySummary.objects.exists()
    assert len(set(Complaint.objects.values_list("state", flat=True))) >= 4
    assert DuplicateLink.objects.filter(state="confirmed").exists()
    assert RoleAssignment.objects.filter(user__username="petition", role__code="complaints_office").exists()
    assert all(c.routed_by == "chosen" for c in Complaint.objects.all())
    load_demo(lambda m: None, n=60)
    assert Complaint.objects.count() == n
