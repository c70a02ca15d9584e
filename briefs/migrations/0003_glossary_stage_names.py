"""Use the glossary's words for the seeded templates (报纸稿, 大型提案, 提案前排练).

Only rows still carrying the first seed's wording are touched, so edits made
in the admin are kept.
"""

from django.db import migrations

RENAMES = [
    # (model, filter, old name_zh, new name_zh)
    ("JobStageTemplate", {"code": "print-ad"}, "平面广告", "报纸稿"),
    ("JobStageTemplate", {"code": "pitch"}, "比稿", "大型提案"),
    ("JobStageTemplateStep", {"template__code": "pitch", "name": "Rehearsal"}, "预演", "提案前排练"),
]


def forwards(apps, schema_editor):
    for model, filters, old, new in RENAMES:
        apps.get_model("briefs", model).objects.filter(name_zh=old, **filters).update(name_zh=new)


def backwards(apps, schema_editor):
    for model, filters, old, new in RENAMES:
        apps.get_model("briefs", model).objects.filter(name_zh=new, **filters).update(name_zh=old)


class Migration(migrations.Migration):
    dependencies = [
        ("briefs", "0002_seed_job_stage_templates"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
