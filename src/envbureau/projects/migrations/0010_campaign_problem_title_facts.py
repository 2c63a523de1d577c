# The ledger problem of a campaign target keeps its title as facts (campaign, target, class) and is worded in the
# reader's language (ledger.Problem.title_facts, projects.campaigns.PROBLEM_TITLE). Problems opened before: the
# facts are read back from the Chinese title they stored ("<campaign>:<target>(<class>)", the names taken from
# the target); a title that does not read so (edited, or written in another language) is shown as stored.

from django.db import migrations


def facts_of(title: str, campaign: str, target: str) -> dict:
    prefix = f"{campaign}:{target}("
    if not (title.startswith(prefix) and title.endswith(")")) or len(title) <= len(prefix) + 1:
        return {}
    return {"msg": "projects.campaign", "args": {"c": campaign, "n": target, "k": title[len(prefix):-1]}}


def forwards(apps, schema_editor):
    CampaignTarget = apps.get_model("projects", "CampaignTarget")
    Problem = apps.get_model("ledger", "Problem")
    targets = {t.problem_id: t for t in CampaignTarget.objects.filter(problem_id__isnull=False).select_related("campaign")}
    batch = []
    for p in Problem.objects.filter(pk__in=list(targets), source_model="projects.campaigntarget", title_facts={}):
        t = targets[p.pk]
        facts = facts_of(p.title, t.campaign.name, t.name)
        if facts and p.source_pk == str(t.pk):
            p.title_facts = facts
            batch.append(p)
    Problem.objects.bulk_update(batch, ["title_facts"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0009_gridtraining"),
        ("ledger", "0003_problem_title_facts"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
