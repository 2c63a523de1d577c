# Warnings keep their finding as data (Warning.facts) and word it in the reader's language. Warnings raised
# before: the facts are read back from the Chinese text they stored (the four sentences the scan and the water
# check wrote); a text that does not read as one of them keeps no facts and is shown as stored.

import re

from django.db import migrations, models

# frozen copies of quality.models.targets.WARNING_TEXTS and of the names the texts used
TEXTS = {
    "over": "%(s)s %(p)s 小时浓度 %(n)s 次超过阈值 %(t)s,最高 %(v)s",
    "flat": "%(s)s %(p)s 连续 %(n)s 小时数值不变(%(v)s)",
    "stop": "%(s)s 自 %(t)s 起无数据(连续 %(n)s 小时)",
    "water": "%(s)s 自动站 %(t)s 水质%(c)s类,劣于目标%(g)s类;超标项目 %(i)s",
}
POLLUTANTS = ("pm25", "pm10", "so2", "no2", "co", "o3")
CLASSES = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "劣Ⅴ": 6}
WATER_ITEMS = {
    "水温": "temp", "pH": "ph", "溶解氧": "do", "高锰酸盐指数": "codmn", "化学需氧量": "cod", "五日生化需氧量": "bod5",
    "氨氮": "nh3n", "总磷": "tp", "总氮": "tn", "铜": "cu", "锌": "zn", "氟化物": "f", "硒": "se", "砷": "as",
    "汞": "hg", "镉": "cd", "六价铬": "cr6", "铅": "pb", "氰化物": "cn", "挥发酚": "phenol", "石油类": "oil",
    "阴离子表面活性剂": "las", "硫化物": "s2", "粪大肠菌群": "fcoli",
}


def _pattern(text: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"%\\\((\w)\\\)s", r"(?P<\1>.+?)", re.escape(text)) + "$", re.S)


PATTERNS = {k: _pattern(v) for k, v in TEXTS.items()}


def facts_of(message: str) -> dict:
    """The facts a stored warning text states ({} when it is not one of the four sentences)."""
    for msg, rx in PATTERNS.items():
        m = rx.match(message or "")
        if m is None:
            continue
        args = m.groupdict()
        try:
            if "p" in args:
                args["p"] = args["p"].lower()
                if args["p"] not in POLLUTANTS:
                    return {}
            if "n" in args:
                args["n"] = int(args["n"])
            if msg == "water":
                args["c"], args["g"] = CLASSES[args["c"]], CLASSES[args["g"]]
                items = []
                for part in args["i"].split("、"):
                    im = re.fullmatch(r"(.+)\((.+)\)", part)
                    items.append([WATER_ITEMS[im.group(1)], im.group(2)])
                args["i"] = items
        except (KeyError, ValueError, AttributeError):
            return {}
        return {"msg": msg, "args": args}
    return {}


def forwards(apps, schema_editor):
    Warning = apps.get_model("quality", "Warning")
    TimelineEvent = apps.get_model("core", "TimelineEvent")
    batch = []
    for w in Warning.objects.filter(facts={}).only("pk", "message").iterator(chunk_size=2000):
        facts = facts_of(w.message)
        if facts:
            w.facts = facts
            batch.append(w)
        if len(batch) >= 2000:
            _save(Warning, TimelineEvent, batch)
            batch = []
    _save(Warning, TimelineEvent, batch)


def _save(Warning, TimelineEvent, batch):
    if not batch:
        return
    Warning.objects.bulk_update(batch, ["facts"])
    # the opening line of the timeline repeated the Chinese text; the page now words it in the reader's language
    for w in batch:
        TimelineEvent.objects.filter(model="quality.warning", object_id=str(w.pk), verb="open",
                                     note=w.message).update(note="")


class Migration(migrations.Migration):

    dependencies = [
        ('quality', '0020_period_stats_quarter'),
        ('core', '0011_task_follow_idx'),
    ]

    operations = [
        migrations.AddField(
            model_name='warning',
            name='facts',
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name='预警事实'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
