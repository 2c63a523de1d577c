# Where an EIA's review limit comes from (limit_source) and the review clock's label are kept as the facts of their
# sentences beside the Chinese wording, and name the jurisdiction whose commitment it is by its name, not its code.
# Rows written before: limit_source was the clock's label ("审批时限(法定时限)", "审批时限(承诺时限(110101))"); it
# becomes the source alone ("法定时限", "承诺时限(北京市东城区)") with its facts, and the review clock's label is
# rewritten by name with its facts. "告知承诺制审批时限" gets its facts; anything else is left as it is.

import re

from django.db import migrations, models

# frozen copies of the msgids (approvals.config.review_limit, approvals.eia)
LABEL, STATUTORY, COMMITTED, COMMITMENT_SYSTEM = "审批时限(%(s)s)", "法定时限", "承诺时限(%(j)s)", "告知承诺制审批时限"
OLD = re.compile(r"^审批时限\((?:(?P<statutory>法定时限)|承诺时限\((?P<code>[^()]+)\))\)$")


def _sentence(text, **args):
    return {"text": text, "args": args}


def source_of(stored: str, name_of) -> dict | None:
    """The facts of where a limit comes from, read back from an old stored label (None when it is not one);
    `name_of(code)` names a jurisdiction (the code when there is no such jurisdiction)."""
    if stored == COMMITMENT_SYSTEM:
        return _sentence(COMMITMENT_SYSTEM)
    m = OLD.match(stored or "")
    if m is None:
        return None
    return _sentence(STATUTORY) if m["statutory"] else _sentence(COMMITTED, j=name_of(m["code"]))


def chinese(facts: dict) -> str:
    args = {k: chinese(v) if isinstance(v, dict) else v for k, v in facts["args"].items()}
    return facts["text"] % args


def forwards(apps, schema_editor):
    EIAApplication = apps.get_model("approvals", "EIAApplication")
    Clock = apps.get_model("core", "Clock")
    Jurisdiction = apps.get_model("core", "Jurisdiction")
    names = {}

    def name_of(code):
        if code not in names:
            names[code] = Jurisdiction.objects.filter(code=code).values_list("name", flat=True).first() or code
        return names[code]

    batch = []
    for a in EIAApplication.objects.exclude(limit_source="").only("pk", "limit_source").iterator(chunk_size=2000):
        source = source_of(a.limit_source, name_of)
        if source is not None:
            a.limit_source, a.limit_facts = chinese(source)[:60], source
            batch.append(a)
    EIAApplication.objects.bulk_update(batch, ["limit_source", "limit_facts"], batch_size=2000)
    batch = []
    for c in Clock.objects.filter(model="approvals.eiaapplication", key="review", label__startswith="审批时限(") \
            .only("pk", "label").iterator(chunk_size=2000):
        source = source_of(c.label, name_of)
        if source is not None:
            c.facts = _sentence(LABEL, s=source)
            c.label = chinese(c.facts)[:100]
            batch.append(c)
    Clock.objects.bulk_update(batch, ["label", "facts"], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("approvals", "0007_plan_computed_level_tables"),
        ("core", "0014_clock_label_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="eiaapplication",
            name="limit_facts",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="时限依据事实"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
