"""Demo step (order 90): the leader signs reports off (role 报告签发人); the last complete month's air
bulletin of the city waits in the leader's inbox (a 签发 task). Idempotent."""

from __future__ import annotations

from envbureau.core.demo import register


@register(90, "报告:签发人与待签发的空气质量通报 / reports: sign-off role and a bulletin waiting")
def step(log):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    from . import services
    from .air import default_period

    leader = User.objects.filter(username="leader").first()
    role = Role.objects.filter(code="report_signer").first()
    if leader and role and not RoleAssignment.objects.filter(user=leader, role=role).exists():
        RoleAssignment.objects.create(user=leader, role=role)
    period = default_period()
    city = Jurisdiction.objects.filter(parent__isnull=True).order_by("path").first()
    if not period or city is None:
        log("   no air data: no bulletin")
        return
    rep = services.create_report(None, "air_bulletin", city, period, scheduled=True)
    log(f"   {rep.title}: {rep.get_state_display()}")
