"""Open the tasks of every workflow object that waits for someone but has no open task (after an upgrade
that moved a module onto the kit, or after a restore). Nobody is notified; re-running changes nothing."""

from django.core.management.base import BaseCommand

from envbureau.core import workflow as wf
from envbureau.core.audit import audit_context
from envbureau.core.models import Task


class Command(BaseCommand):
    help = "Open missing tasks for every registered workflow's objects in a state that gives someone a step."

    def handle(self, **o):
        total = 0
        with audit_context("cli", note="rebuild_tasks"):
            for w in wf.all_workflows():
                waiting = [s.value for s in w.states if s.task is not None and not s.terminal]
                have = set(Task.objects.filter(model=w.model, is_open=True).values_list("object_id", flat=True))
                n = 0
                for obj in w.model_class._default_manager.filter(**{f"{w.field}__in": waiting}).iterator():
                    if str(obj.pk) not in have:
                        wf.sync_tasks(obj, notify=False)
                        n += 1
                total += n
                self.stdout.write(f"{w.model}: {n}")
        self.stdout.write(f"total={total}")
