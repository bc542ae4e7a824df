"""The managed list of organizers and responsible units, and bureau staff's right to keep it.

Permissions for snippets are created after migrations run (post_migrate), so they are created
here explicitly before being granted.
"""

from django.db import migrations

UNITS = [
    ("北京市商务局", "Beijing Municipal Commerce Bureau"),
    ("北京海关", "Beijing Customs"),
    ("国家税务总局北京市税务局", "Beijing Municipal Tax Service, State Taxation Administration"),
    ("国家外汇管理局北京市分局", "State Administration of Foreign Exchange, Beijing Branch"),
    ("北京市市场监督管理局", "Beijing Municipal Administration for Market Regulation"),
    ("北京市贸促会", "China Council for the Promotion of International Trade, Beijing"),
    ("区商务局", "District commerce bureau"),
]
CODENAMES = ["add", "change", "delete", "view"]


def seed(apps, schema_editor):
    Unit = apps.get_model("events", "ResponsibleUnit")
    for order, (chinese, english) in enumerate(UNITS):
        Unit.objects.get_or_create(
            name_zh=chinese, defaults={"name_en": english, "sort_order": order * 10}
        )
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="events", model="responsibleunit"
    )
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_responsibleunit",
            defaults={"name": f"Can {action} organizer or responsible unit"},
        )[0]
        for action in CODENAMES
    ]
    group = Group.objects.filter(name="Bureau staff").first()
    if group is not None:
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("accounts", "0002_bureau_staff_group"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
