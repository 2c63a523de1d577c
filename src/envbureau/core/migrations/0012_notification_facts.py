# Notifications keep what they say as data (Notification.facts) and are worded in the reader's language.
# Notifications sent before: the facts are read back from the Chinese text they stored (the sentences of
# core.notify.TEXTS and the modules' own) and, for those about a task, the task is found from the key; a text
# that does not read as one of them keeps no facts and is shown as stored.

import re

from django.db import migrations, models

# frozen copies of the sentences (core.notify.TEXTS and what the modules register)
TEXTS = {
    "task": "待办:%(a)s · %(t)s(期限 %(d)s)",
    "near": "临期提醒:%(a)s · %(t)s 将于 %(d)s 到期",
    "overdue": "已逾期:%(a)s · %(t)s(期限 %(d)s)",
    "ledger.overdue": "问题 %(c)s“%(t)s”已超过整改时限(%(d)s),请抓紧整改",
    "ledger.near": "问题 %(c)s“%(t)s”将于 %(d)s 到期,请按时完成整改",
    "complaints.follow_up": "信访投诉 %(n)s 有新的网格巡查跟进:%(f)s",
    "enforcement.seizure_overdue": "%(c)s 当场实施的查封、扣押已超过 %(h)s 小时仍未补办负责人批准(应于 %(d)s 前)",
    "approvals.incident_overdue": "%(c)s %(t)s:初报已超过时限(%(d)s),尚未报告",
}
TASK_KINDS = {"task": "task", "near_deadline": "near", "overdue": "overdue"}
KEYS = {
    # task-<lead task pk>; near-<model>-<object>-<state>-<day>-<lead days>; overdue-<model>-<object>-<state>-<due>
    "task": re.compile(r"^task-(?P<pk>\d+)$"),
    "near": re.compile(r"^near-(?P<model>[a-z_0-9]+\.[a-z_0-9]+)-(?P<oid>.+?)-(?P<state>[a-z_0-9]+)-"
                       r"(?P<day>\d{4}-\d\d-\d\d)-\d+$"),
    "overdue": re.compile(r"^overdue-(?P<model>[a-z_0-9]+\.[a-z_0-9]+)-(?P<oid>.+?)-(?P<state>[a-z_0-9]+)-"
                          r"(?P<day>\d{4}-\d\d-\d\d)$"),
}


def _pattern(text: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"%\\\((\w)\\\)s", r"(?P<\1>.+?)", re.escape(text)) + "$", re.S)


PATTERNS = {k: _pattern(v) for k, v in TEXTS.items()}


def facts_of(message: str, kind: str = "", key: str = "", find_task=None) -> dict:
    """The facts a stored notification states ({} when it is not one of the sentences, or the task it is
    about cannot be found). `find_task(groups of the key)` → task pk or None."""
    task_msg = TASK_KINDS.get(kind) if KEYS.get(TASK_KINDS.get(kind, ""), re.compile("$^")).match(key or "") else None
    for msg, rx in PATTERNS.items():
        if msg in TASK_KINDS.values() and msg != task_msg:
            continue
        m = rx.match(message or "")
        if m is None:
            continue
        args = m.groupdict()
        if msg in TASK_KINDS.values():
            pk = find_task(msg, KEYS[msg].match(key).groupdict()) if find_task else None
            if pk is None:
                return {}
            d = args["d"]
            return {"msg": msg, "task": pk, "args": {"d": "" if d == "未定" else d}}
        return {"msg": msg, "args": args}
    return {}


def forwards(apps, schema_editor):
    Notification = apps.get_model("core", "Notification")
    Task = apps.get_model("core", "Task")

    def find_task(msg, g):
        if msg == "task":
            return int(g["pk"]) if Task.objects.filter(pk=int(g["pk"])).exists() else None
        return (Task.objects.filter(model=g["model"], object_id=g["oid"], state=g["state"], due_date=g["day"])
                .order_by("-lead", "-pk").values_list("pk", flat=True).first())

    batch = []
    for n in Notification.objects.filter(facts={}).only("pk", "kind", "key", "message").iterator(chunk_size=2000):
        facts = facts_of(n.message, n.kind, n.key, find_task)
        if facts:
            n.facts = facts
            batch.append(n)
        if len(batch) >= 2000:
            Notification.objects.bulk_update(batch, ["facts"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["facts"])


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0011_task_follow_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="facts",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="消息事实"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
