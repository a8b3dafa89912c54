"""Ship both province maps (63 units before 1 July 2025, 34 from that day) and the departments a
participant directs, as dated records (see courses/reference/provinces.py)."""

import datetime as dt

from django.db import migrations
from django.utils.text import slugify

from courses.reference import provinces as ref
from lms.text import search_key

DAY_BEFORE = dt.timedelta(days=1)


def load(apps, schema_editor):
    Province = apps.get_model("courses", "Province")
    Organisation = apps.get_model("courses", "Organisation")

    def province(name, kind, code, valid_from=None, valid_to=None):
        full = ref.full_name(name, kind)
        obj, _ = Province.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "full_name": full,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "search_text": search_key(f"{name} {full}"),
            },
        )
        return obj

    merged_members = {m for _k, members in ref.MERGED_2025.values() for m in members}
    new_units = {
        name: province(name, kind, f"{slugify(search_key(name))}-2025", valid_from=ref.MERGER_DAY)
        for name, (kind, _members) in ref.MERGED_2025.items()
    }
    old_units = {}
    for name, kind in ref.BEFORE_2025:
        slug = slugify(search_key(name))
        if name in merged_members:
            old_units[name] = province(
                name, kind, f"{slug}-truoc-2025", valid_to=ref.MERGER_DAY - DAY_BEFORE
            )
        elif name == "Huế":
            old_units[name] = province(name, kind, slug, valid_from=ref.HUE_CITY_DAY)
        else:
            old_units[name] = province(name, kind, slug)
    for new_name, (_kind, members) in ref.MERGED_2025.items():
        Province.objects.filter(pk__in=[old_units[m].pk for m in members]).update(
            successor=new_units[new_name]
        )
    hue_name, hue_kind = ref.HUE_PREDECESSOR
    thua_thien_hue = province(
        hue_name, hue_kind, slugify(search_key(hue_name)), valid_to=ref.HUE_CITY_DAY - DAY_BEFORE
    )
    Province.objects.filter(pk=thua_thien_hue.pk).update(successor=old_units["Huế"])

    def organisation(name, unit, valid_from=None, valid_to=None, successor=None):
        obj, _ = Organisation.objects.get_or_create(
            name=name,
            valid_from=valid_from,
            defaults={
                "province": unit,
                "valid_to": valid_to,
                "successor": successor,
                "search_text": search_key(name),
            },
        )
        return obj

    science = {}
    for unit in [*new_units.values()]:
        science[unit.pk] = organisation(
            f"{ref.SCIENCE_DEPARTMENT} {unit.full_name}", unit, valid_from=ref.MERGER_DAY
        )
    for name, unit in old_units.items():
        successor_unit = new_units.get(
            next((n for n, (_k, ms) in ref.MERGED_2025.items() if name in ms), None)
        )
        science[unit.pk] = organisation(
            f"{ref.SCIENCE_DEPARTMENT} {unit.full_name}",
            unit,
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
            successor=science[successor_unit.pk] if successor_unit else None,
        )
    ict_end = ref.DEPARTMENT_MERGER_DAY - DAY_BEFORE
    for unit in [*old_units.values()]:
        organisation(
            f"{ref.ICT_DEPARTMENT} {unit.full_name}",
            unit,
            valid_from=unit.valid_from,
            valid_to=ict_end,
            successor=science[unit.pk],
        )
    organisation(
        f"{ref.ICT_DEPARTMENT} {thua_thien_hue.full_name}",
        thua_thien_hue,
        valid_to=thua_thien_hue.valid_to,
        successor=Organisation.objects.get(
            name=f"{ref.ICT_DEPARTMENT} {old_units['Huế'].full_name}"
        ),
    )
    ministry = organisation("Bộ Khoa học và Công nghệ", None)
    organisation(
        "Bộ Thông tin và Truyền thông", None, valid_to=ict_end, successor=ministry
    )


def unload(apps, schema_editor):
    apps.get_model("courses", "Organisation").objects.update(successor=None)
    apps.get_model("courses", "Organisation").objects.all().delete()
    apps.get_model("courses", "Province").objects.update(successor=None)
    apps.get_model("courses", "Province").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_cohorts_enrollment")]

    operations = [migrations.RunPython(load, unload)]
