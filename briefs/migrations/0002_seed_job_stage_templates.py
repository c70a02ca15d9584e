"""Seed the three deliverable types' stages from the handbook.

The admin may edit them afterwards; this migration only creates missing ones.
"""

from django.db import migrations

TEMPLATES = [
    (
        "print-ad",
        "Print ad",
        "平面广告",
        [
            ("Sketch", "草图"),
            ("Copy", "文案"),
            ("Layout", "排版"),
            ("Client proof", "客户校样"),
            ("Final art", "完稿"),
            ("Print", "印刷"),
        ],
    ),
    (
        "tvc",
        "TVC",
        "电视广告",
        [
            ("Script", "脚本"),
            ("Storyboard", "故事板"),
            ("Pre-production meeting", "制作前会议"),
            ("Shoot", "拍摄"),
            ("Offline edit", "粗剪"),
            ("Online / grading", "精剪 / 调色"),
            ("Delivery", "交付"),
        ],
    ),
    (
        "pitch",
        "Pitch",
        "比稿",
        [
            ("Brief", "简报"),
            ("Concepts", "创意概念"),
            ("Internal review", "内部评审"),
            ("Rehearsal", "预演"),
            ("Presentation", "提案"),
        ],
    ),
]


def seed(apps, schema_editor):
    Template = apps.get_model("briefs", "JobStageTemplate")
    Step = apps.get_model("briefs", "JobStageTemplateStep")
    for code, name, name_zh, steps in TEMPLATES:
        template, created = Template.objects.get_or_create(
            code=code, defaults={"name": name, "name_zh": name_zh}
        )
        if not created:
            continue
        Step.objects.bulk_create(
            Step(template=template, position=i, name=en, name_zh=zh)
            for i, (en, zh) in enumerate(steps, start=1)
        )


def unseed(apps, schema_editor):
    Template = apps.get_model("briefs", "JobStageTemplate")
    Template.objects.filter(code__in=[t[0] for t in TEMPLATES], jobs__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("briefs", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
