"""The demo newsroom: a desk of staff and some fifty stories, in every workflow state.

The content (original Indonesian text written for the demo) is in
``demo_content.json``; this module turns it into rows. Every story is taken
through ``articles.workflow`` by the person whose job each step is (the
reporter submits, the editor approves and publishes, the editor-in-chief
retracts and archives), so the audit trail, the dashboard and the public site
look like a real desk's. Loading is idempotent: stories are found again by
their ``external_id`` ("demo-<key>"), everything else by name.
"""

import io
import json
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import cache
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageDraw

from articles import images, roles, workflow
from articles.html import paragraphs_to_html
from articles.importing import NamedRows
from articles.models import Article, Correction, Image, Official, Region, Section, Topic
from articles.recommendations.engine import refreshes_deferred

CONTENT_FILE = Path(__file__).with_name("demo_content.json")
EXTERNAL_ID_PREFIX = "demo-"
ADMIN_USERNAME = "admin"
# One password for every demo login (hashing is slow by design: one hash, not nine). It is
# printed at the end of every load and in the README: hence no demo in production.
PASSWORD = "redaksi-demo"
ROLE_GROUPS = {
    "reporter": roles.REPORTER,
    "editor": roles.EDITOR,
    "chief": roles.EDITOR_IN_CHIEF,
}
# Whose job each transition is on a desk.
ACTORS = {
    "submit": "reporter",
    "request_changes": "editor",
    "approve": "editor",
    "schedule": "editor",
    "publish": "editor",
    "unpublish": "editor",
    "retract": "chief",
    "archive": "chief",
}
DEFAULT_UNPUBLISH_REASON = "Informasi dalam berita ini sudah tidak berlaku."
DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
# "{d:N}" in a paragraph: the day N days before the story's date, written "Jumat (14/11/2025)".
DAY_PLACEHOLDER = re.compile(r"\{d:(-?\d+)\}")
IMAGE_SIZE = (1600, 900)


@dataclass(frozen=True)
class Login:
    role: str  # as shown: the group's name, or "Superuser" translated
    username: str
    password: str


@dataclass
class DemoResult:
    created: int = 0
    existing: int = 0
    logins: list = field(default_factory=list)


def read_content(path=CONTENT_FILE):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def story_time(key, days_ago, now):
    """When a story dated ``days_ago`` days back appeared: a plausible hour of that day (WITA).

    The hour comes from the key, so every load gives the same one; never later than ``now``
    for a story of the past.
    """
    chance = random.Random(key)
    day = timezone.localdate(now) - timedelta(days=days_ago)
    moment = timezone.make_aware(
        datetime.combine(day, time(chance.randint(7, 20), chance.randrange(0, 60, 5)))
    )
    if days_ago >= 0:
        moment = min(moment, now - timedelta(minutes=10 + chance.randrange(50)))
    return moment


def fill_in_days(text, day):
    """Replace each "{d:N}" of ``text`` by the date N days before ``day``, Indonesian style."""

    def written(match):
        date = day - timedelta(days=int(match.group(1)))
        return f"{DAY_NAMES[date.weekday()]} ({date:%d/%m/%Y})"

    return DAY_PLACEHOLDER.sub(written, text)


def _set_publish_time(article, moment):
    # Publishing keeps a publish time already in the past, so the story keeps its date.
    article.published_at = moment
    article.save(update_fields=["published_at"])


def _backdate(article, moment):
    """Date a story's creation and last edit by its story time, not by when the demo loaded.

    Otherwise every back-dated story would read "Diperbarui" with today's date.
    """
    created = min(moment, timezone.now()) - timedelta(hours=2)
    Article.objects.filter(pk=article.pk).update(
        created_at=created, updated_at=max(created, min(moment, timezone.now()))
    )


def _shade(rgb, factor):
    """``rgb`` darkened (factor < 1) or mixed towards white (factor > 1)."""
    if factor <= 1:
        return tuple(round(c * factor) for c in rgb)
    mix = factor - 1
    return tuple(round(c + (255 - c) * mix) for c in rgb)


@cache
def _sky_gradient():
    """Top to bottom, light to dark: the mask blending a picture's two sky colours."""
    return PILImage.linear_gradient("L").resize(IMAGE_SIZE)


def picture_bytes(key, palette):
    """A 1600×900 JPEG for a story: a sky in its palette colour, a sun and rolling hills."""
    chance = random.Random(key)
    colour = tuple(int(palette.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    width, height = IMAGE_SIZE
    picture = PILImage.composite(
        PILImage.new("RGB", IMAGE_SIZE, _shade(colour, 0.55)),
        PILImage.new("RGB", IMAGE_SIZE, _shade(colour, 1.45)),
        _sky_gradient(),
    )
    draw = ImageDraw.Draw(picture)
    radius = chance.randint(70, 140)
    centre = (chance.randint(radius, width - radius), chance.randint(radius, height // 2))
    draw.ellipse(
        [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius],
        fill=_shade(colour, 1.8),
    )
    for layer in range(3):
        base = height * (0.55 + 0.15 * layer)
        points = [(0, height)]
        for x in range(0, width + 200, 200):
            points.append((x, base + chance.randint(-60, 60)))
        points.append((width, height))
        draw.polygon(points, fill=_shade(colour, 0.85 - 0.2 * layer))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class DemoLoader:
    """Builds the demo newsroom from the content file; ``run()`` does it once, idempotently."""

    def __init__(self, content=None, now=None):
        self.content = content if content is not None else read_content()
        self.now = now or timezone.now()
        self.staff = {}
        self.chief = None
        self.sections = {}
        self.regions = NamedRows(Region, fallback_slug="wilayah")
        self.officials = NamedRows(Official, fallback_slug="tokoh")
        self.topics = NamedRows(Topic, fallback_slug="topik")

    def run(self):
        """Load what is missing; return a DemoResult with the counts and the logins."""
        result = DemoResult()
        roles.sync_roles()
        result.logins = self._load_staff()
        self._load_sections()
        self._load_officials()
        # Related stories are computed once at the end, not after each of ~150 transitions.
        with refreshes_deferred():
            self._load_stories(result)
        self._give_staff_email()
        return result

    def _load_stories(self, result):
        existing = set(
            Article.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX).values_list(
                "external_id", flat=True
            )
        )
        result.existing = len(existing)
        for item in self.content["articles"]:
            external_id = EXTERNAL_ID_PREFIX + item["key"]
            reply = item.get("right_of_reply")
            if external_id in existing and (not reply or f"{external_id}-hak-jawab" in existing):
                continue
            with transaction.atomic():
                if external_id in existing:
                    article = Article.objects.get(external_id=external_id)
                else:
                    article = self._load_story(item, external_id)
                    result.created += 1
                if reply and f"{external_id}-hak-jawab" not in existing:
                    self._load_reply(item, reply, article)
                    result.created += 1

    # People, sections, places ---------------------------------------------------

    def _load_staff(self):
        User = get_user_model()
        hashed = make_password(PASSWORD)
        groups = {role: Group.objects.get(name=name) for role, name in ROLE_GROUPS.items()}
        logins = []
        for person in self.content["staff"]:
            role = person["role"]
            user, _created = User.objects.update_or_create(
                username=person["username"],
                defaults={
                    "first_name": person["first_name"],
                    "last_name": person["last_name"],
                    "is_staff": True,
                    "is_active": True,
                    "password": hashed,
                },
            )
            user.groups.add(groups[role])
            self.staff[user.username] = user
            if role == "chief":
                self.chief = user
            logins.append(Login(groups[role].name, user.username, PASSWORD))
        User.objects.update_or_create(
            username=ADMIN_USERNAME,
            defaults={
                "is_staff": True,
                "is_superuser": True,
                "is_active": True,
                "password": hashed,
            },
        )
        logins.append(Login(_("Superuser"), ADMIN_USERNAME, PASSWORD))
        return logins

    def _give_staff_email(self):
        # Only now: mailing the desk about the history just written would be noise.
        for user in self.staff.values():
            if not user.email:
                user.email = f"{user.username}@newsroom.local"
                user.save(update_fields=["email"])

    def _person(self, role, item):
        """The staff member doing ``role``'s job on ``item``."""
        if role == "chief":
            return self.chief
        return self.staff[item[role]]

    def _load_sections(self):
        for entry in self.content["sections"]:
            section = Section.objects.filter(
                Q(slug=entry["slug"]) | Q(name__iexact=entry["name"])
            ).first() or Section(slug=entry["slug"])
            section.name = entry["name"]
            section.order = entry["order"]
            section.description = entry["description"]
            section.save()
            self.sections[entry["slug"]] = section

    def _load_officials(self):
        entries = self.content["officials"]
        self.regions.resolve(entry["region"] for entry in entries if entry.get("region"))
        self.officials.resolve(entry["name"] for entry in entries)
        for entry in entries:
            official = self.officials[entry["name"]]
            official.position = entry["position"]
            official.institution = entry["institution"]
            official.region = self.regions[entry["region"]] if entry.get("region") else None
            official.aliases = "\n".join(entry.get("aliases", []))
            official.description = entry.get("description", "")
            official.save()

    # Stories ---------------------------------------------------------------------

    def _load_story(self, item, external_id):
        reporter = self._person("reporter", item)
        moment = story_time(item["key"], item["days_ago"], self.now)
        article = self._new_article(
            item,
            day=timezone.localdate(moment),
            external_id=external_id,
            created_by=reporter,
            reporters=[reporter, *(self.staff[name] for name in item.get("co_reporters", []))],
            featured_image=self._picture(item, reporter),
        )
        for name in workflow.PATHS_FROM_DRAFT[item["state"]]:
            article = self._transition(article, name, item, moment)
        _backdate(article, moment)
        if item.get("correction"):
            workflow.add_correction(
                article,
                self._person("editor", item),
                item["correction"],
                Correction.Kind.CORRECTION,
            )
        return article

    def _load_reply(self, item, reply, original):
        """A right of reply: its own published item, linked to the story it answers."""
        editor = self._person("editor", item)
        moment = min(original.published_at + timedelta(days=1), self.now)
        article = self._new_article(
            {
                **item,
                "title": reply["title"],
                "lead": reply["lead"],
                "kicker": "Hak Jawab",
                "paragraphs": [
                    *reply["paragraphs"],
                    f"Hak jawab ini disampaikan oleh {reply['from']}.",
                ],
                "officials": [],
            },
            day=timezone.localdate(moment),
            external_id=f"{original.external_id}-hak-jawab",
            created_by=editor,
            reporters=[],
            featured_image=original.featured_image,
            reply_to=original,
        )
        _set_publish_time(article, moment)
        for name in workflow.PATHS_FROM_DRAFT["published"]:
            article = workflow.apply_transition(article, name, editor)
        _backdate(article, moment)
        return article

    def _new_article(self, item, *, day, reporters, **fields):
        paragraphs = [fill_in_days(text, day) for text in item["paragraphs"]]
        article = Article.objects.create(
            title=item["title"],
            kicker=item.get("kicker", ""),
            lead=item["lead"],
            body=paragraphs_to_html("\n\n".join(paragraphs)),
            dateline=item["dateline"],
            section=self.sections[item["section"]],
            editor=self._person("editor", item),
            identifies_child=item.get("sensitive", False),
            identifies_sexual_violence_victim=False,
            deadline=self._deadline(item),
            **fields,
        )
        article.reporters.set(reporters)
        self.regions.resolve(item["regions"])
        self.officials.resolve(item["officials"])
        self.topics.resolve(item["topics"])
        article.regions.add(*(self.regions[name] for name in item["regions"]))
        article.officials.add(*(self.officials[name] for name in item["officials"]))
        article.topics.add(*(self.topics[name] for name in item["topics"]))
        return article

    def _deadline(self, item):
        if item["state"] not in ("in_review", "changes_requested", "approved"):
            return None
        if item.get("overdue"):
            return story_time(item["key"], item["days_ago"] - 1, self.now)
        return self.now + timedelta(days=1)

    def _picture(self, item, reporter):
        spec = item["image"]
        image = Image.objects.create(
            file=ContentFile(
                picture_bytes(item["key"], spec["palette"]), name=f"{item['key']}.jpg"
            ),
            caption=spec["caption"],
            credit=spec["credit"],
            alt_text=spec["alt"],
            uploaded_by=reporter,
        )
        return images.process_image(image)

    def _transition(self, article, name, item, moment):
        # A story that may identify a child needs the editor-in-chief's decision.
        role = ACTORS[name]
        if item.get("sensitive") and name in ("approve", "publish"):
            role = "chief"
        comment = {
            "request_changes": item.get("changes_requested_comment", ""),
            "unpublish": item.get("unpublish_reason", DEFAULT_UNPUBLISH_REASON),
            "retract": item.get("retraction_reason", ""),
        }.get(name, "")
        if name == "publish":
            _set_publish_time(article, moment)
        publish_at = moment if name == "schedule" else None
        return workflow.apply_transition(
            article, name, self._person(role, item), comment=comment, publish_at=publish_at
        )


def load_demo(content=None, now=None):
    """Load the demo newsroom (what is missing of it); return the DemoResult."""
    return DemoLoader(content, now).run()
