"""Load Indonesia's region tree from articles/data/regions.csv (see the README there).

Idempotent: a region is found again by its Kemendagri code. A region that an editor,
the demo loader or an import created earlier without a code ("Balikpapan") is matched
by name and completed, never duplicated; two such regions for one place are merged.
What editors own is kept on later runs: the name, slug, description and added aliases.
"""

import csv
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from articles import taxonomy
from articles.models import Region, unique_slug

DATA_FILE = Path(settings.BASE_DIR) / "articles" / "data" / "regions.csv"
ALIAS_SEPARATOR = ";"
# Fields that come from the official data and are brought up to date on every run.
DATA_FIELDS = ["code", "kind", "parent", "official_name", "aliases"]


def read_rows(path):
    """The data rows, each parent before its children (codes grow one level at a time)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return sorted(rows, key=lambda row: row["code"].count("."))


def _uncoded_matches(rows, regions):
    """Regions without a code, by the code of the one data row their name names.

    A region named exactly like a data row is that row ("Jambi" the province, though
    "Jambi" is also an alias of Kota Jambi); otherwise all its keys must point at one.
    """
    code_by_name = {taxonomy.name_key(row["name"]): row["code"] for row in rows}
    codes_by_key = {}
    for row in rows:
        aliases = "\n".join(row["aliases"].split(ALIAS_SEPARATOR))
        for key in taxonomy.region_keys(row["name"], row["official_name"], aliases):
            codes_by_key.setdefault(key, set()).add(row["code"])
    matches = {}
    for region in regions:
        codes = {code_by_name.get(taxonomy.name_key(region.name))} - {None}
        if not codes:
            for key in taxonomy.region_keys(region.name, region.official_name, region.aliases):
                codes |= codes_by_key.get(key, set())
        if len(codes) == 1:
            matches.setdefault(codes.pop(), []).append(region)
    return matches


def load_regions(rows):
    """Create or update the regions of ``rows``; returns Counters of created and updated."""
    regions = list(Region.objects.all())
    by_code = {region.code: region for region in regions if region.code}
    uncoded = _uncoded_matches(rows, [region for region in regions if not region.code])
    slugs = {region.slug for region in regions}
    created, updated, duplicates = Counter(), Counter(), []
    for depth in sorted({row["code"].count(".") for row in rows}):
        new, changed = [], []
        for row in (row for row in rows if row["code"].count(".") == depth):
            # Of several regions for one place the coded one stays, else the one with the
            # data's slug; the others are merged into it.
            region, *others = [by_code.get(row["code"])] + sorted(
                uncoded.get(row["code"], []), key=lambda r: (r.slug != row["slug"], r.pk)
            )
            if region is None and others:
                region = others.pop(0)
            duplicates.extend((other, region) for other in others)
            if region is None:
                region = Region(name=row["name"], slug=row["slug"])
                if region.slug in slugs:
                    region.slug = unique_slug(Region, row["name"], max_length=100)
                slugs.add(region.slug)
                new.append(region)
            if _apply_row(region, row, by_code) and region.pk:
                changed.append(region)
            by_code[row["code"]] = region
        Region.objects.bulk_create(new)
        Region.objects.bulk_update(changed, DATA_FIELDS)
        created.update(region.kind for region in new)
        updated.update(region.kind for region in changed)
    for duplicate, region in duplicates:
        taxonomy.merge_tags(duplicate, region)
    taxonomy.tags_changed()
    return created, updated


def _apply_row(region, row, by_code):
    """Bring ``region``'s data fields to ``row``; True when something changed."""
    parent_code = row["code"].rpartition(".")[0]
    aliases = taxonomy.alias_lines(region.aliases)
    known = {taxonomy.name_key(alias) for alias in aliases}
    aliases += [
        alias
        for alias in row["aliases"].split(ALIAS_SEPARATOR)
        if alias and taxonomy.name_key(alias) not in known
    ]
    values = {
        "code": row["code"],
        "kind": row["kind"],
        "parent_id": by_code[parent_code].pk if parent_code else None,
        "official_name": row["official_name"],
        "aliases": "\n".join(aliases),
    }
    changed = any(getattr(region, field) != value for field, value in values.items())
    for field, value in values.items():
        setattr(region, field, value)
    return changed


class Command(BaseCommand):
    help = (
        "Load the provinces, cities, regencies and districts of Indonesia with their "
        "Kemendagri codes. Safe to run again: known regions are updated, not duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            default=DATA_FILE,
            type=Path,
            help="The region data file (default: %(default)s).",
        )

    def handle(self, file, **options):
        try:
            rows = read_rows(file)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": file, "error": error.strerror}
            ) from error
        with transaction.atomic():
            created, updated = load_regions(rows)
        totals = Counter(row["kind"] for row in rows)
        for kind, label in Region.Kind.choices:
            self.stdout.write(
                _("%(kind)s: %(total)d (%(created)d new, %(updated)d updated)")
                % {
                    "kind": label,
                    "total": totals[kind],
                    "created": created[kind],
                    "updated": updated[kind],
                }
            )
