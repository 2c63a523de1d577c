# Alarms keep their finding as data (Alarm.facts) and word it in the reader's language. Alarms raised before:
# the facts are read back from the Chinese text they stored (the sentences of sources.alarms); a text that does
# not read as one of them (or was written in another language) keeps no facts and is shown as stored.

import re

from django.db import migrations, models

# frozen copies of sources.models.ALARM_TEXTS (Chinese) and of the words they were built from
FLAG = re.compile(r"^数据标记 (?P<f>[A-Z])\((?P<l>.+)\)$")
NEGATIVE = re.compile(r"^负值 (?P<v>\S+)$")
PH = "pH 超出 0–14"
# a value and a limit may carry their unit ("44 mg/L", as alarms are written since 2026-12-02; never Chinese)
_VALUE = r"\S+(?: [^\s\u4e00-\u9fff,;]+)?"
LIMIT = re.compile(r"^(?P<p>小时均值|日均值)(?P<z>\(折算\))? (?P<v>" + _VALUE + r") (?P<how>超过限值|低于下限) (?P<l>"
                   + _VALUE + r")"
                   r"(?:,超标 (?P<x>-?\d+\.\d\d) 倍)?(?:;依据 (?P<s>.+))?$", re.S)
FLAT = re.compile(r"^连续 (?P<n>\d+) 小时数值恒为 (?P<v>\S+)$")
ABSENCE = re.compile(r"^已 (?P<m>\d+) 分钟无数据$")
FLAGS = {"F", "M", "D", "C", "P", "T", "B"}


def facts_of(message: str) -> dict:
    """The facts a stored alarm text states ({} when it is not one of the sentences)."""
    text = message or ""
    if text == PH:
        return {"msg": "ph", "args": {}}
    m = FLAG.match(text)
    if m and m.group("f") in FLAGS:
        return {"msg": "flag", "args": {"f": m.group("f")}}
    m = NEGATIVE.match(text)
    if m:
        return {"msg": "negative", "args": {"v": m.group("v")}}
    m = FLAT.match(text)
    if m:
        return {"msg": "flat", "args": {"n": int(m.group("n")), "v": m.group("v")}}
    m = ABSENCE.match(text)
    if m:
        return {"msg": "absence", "args": {"m": int(m.group("m"))}}
    m = LIMIT.match(text)
    if m:
        args = {"p": "hour" if m.group("p") == "小时均值" else "day", "v": m.group("v"), "l": m.group("l")}
        if m.group("z"):
            args["z"] = True
        if m.group("x"):
            args["x"] = float(m.group("x"))
        if m.group("s"):
            args["s"] = m.group("s")
        return {"msg": "over" if m.group("how") == "超过限值" else "under", "args": args}
    return {}


def forwards(apps, schema_editor):
    Alarm = apps.get_model("sources", "Alarm")
    TimelineEvent = apps.get_model("core", "TimelineEvent")
    batch = []
    for a in Alarm.objects.exclude(message="").only("pk", "message").iterator(chunk_size=2000):
        facts = facts_of(a.message)
        if facts:
            a.facts = facts
            batch.append(a)
        if len(batch) >= 2000:
            _save(Alarm, TimelineEvent, batch)
            batch = []
    _save(Alarm, TimelineEvent, batch)


def _save(Alarm, TimelineEvent, batch):
    if not batch:
        return
    Alarm.objects.bulk_update(batch, ["facts"])
    # the opening line of the timeline repeated the Chinese text; the page now words it in the reader's language
    for a in batch:
        TimelineEvent.objects.filter(model="sources.alarm", object_id=str(a.pk), verb="open",
                                     note=a.message).update(note="")


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0004_limit_source_ref'),
        ('core', '0011_task_follow_idx'),
    ]

    operations = [
        migrations.AddField(
            model_name='alarm',
            name='facts',
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name='报警事实'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
