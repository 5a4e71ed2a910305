"""Factories for test data. Workflow states are reached through articles.workflow, never set."""

import io

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from articles.models import Article, Image, Official, Region, Section, Topic


def jpeg_bytes(width=800, height=600, color=(30, 80, 140), exif=None):
    buffer = io.BytesIO()
    picture = PILImage.new("RGB", (width, height), color)
    if exif is not None:
        picture.save(buffer, "JPEG", exif=exif)
    else:
        picture.save(buffer, "JPEG")
    return buffer.getvalue()


def uploaded_jpeg(name="foto.jpg", **kwargs):
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    email = factory.LazyAttribute(lambda user: f"{user.username}@newsroom.test")
    is_staff = True
    password = factory.django.Password("rahasia-redaksi-123")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Rubrik {n}")
    slug = factory.Sequence(lambda n: f"rubrik-{n}")


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    file = factory.LazyFunction(uploaded_jpeg)
    caption = "Warga melintasi jalan yang tergenang di Balikpapan."
    credit = "Newsroom/Dewi"
    alt_text = "Jalan tergenang air setinggi lutut"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Wilayah {n}")
    slug = factory.Sequence(lambda n: f"wilayah-{n}")
    kind = Region.Kind.CITY


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Tokoh {n}")
    slug = factory.Sequence(lambda n: f"tokoh-{n}")
    position = "Wakil Wali Kota Balikpapan"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"topik {n}")
    slug = factory.Sequence(lambda n: f"topik-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A draft article; move it through states with articles.workflow."""

    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Pemkot Balikpapan bahas program kerja ke-{n}")
    lead = "Pemerintah kota membahas percepatan program menjelang akhir tahun anggaran."
    body = "<p>Rapat koordinasi digelar di balai kota.</p><p>Peserta membahas anggaran.</p>"
    dateline = "BALIKPAPAN"
    section = factory.SubFactory(SectionFactory)


def publishable_article(**kwargs):
    """A draft that passes the pre-publish checklist (lead, photo, region, section, answers)."""
    article = ArticleFactory(
        featured_image=kwargs.pop("featured_image", None) or ImageFactory(),
        identifies_child=False,
        identifies_sexual_violence_victim=False,
        **kwargs,
    )
    article.regions.add(RegionFactory(name="Balikpapan", slug="balikpapan"))
    return article


def published_article(actor=None, published_at=None, **kwargs):
    """An article taken to "published" through the real workflow, by a superuser."""
    from articles import workflow

    actor = actor or UserFactory(username="pemred-uji", is_superuser=True)
    article = publishable_article(**kwargs)
    for name in ["submit", "approve"]:
        article = workflow.apply_transition(article, name, actor)
    if published_at is not None:
        article.published_at = published_at
        article.save(update_fields=["published_at"])
    return workflow.apply_transition(article, "publish", actor)


def role_user(role, **kwargs):
    """A staff user holding one of the newsroom's roles ("Jurnalis", "Redaktur", ...)."""
    from django.contrib.auth.models import Group

    from articles.roles import sync_roles

    group = Group.objects.filter(name=role).first()
    if group is None:  # The groups come from a migration; a flushed test database lost them.
        sync_roles()
        group = Group.objects.get(name=role)
    user = UserFactory(**kwargs)
    user.groups.add(group)
    return user


def article_in_state(state, actor=None, publish_at=None, **kwargs):
    """A publishable article taken to ``state`` through the real workflow, by a superuser.

    A scheduled article is due ``publish_at`` (default: tomorrow).
    """
    from datetime import timedelta

    from django.utils import timezone

    from articles import workflow

    actor = actor or UserFactory(username="pemred-uji", is_superuser=True)
    publish_at = publish_at or timezone.now() + timedelta(days=1)
    article = publishable_article(**kwargs)
    for name in workflow.PATHS_FROM_DRAFT[state]:
        article = workflow.apply_transition(
            article, name, actor, comment="Catatan uji dari redaksi.", publish_at=publish_at
        )
    return article


def article_form_data(article, **changes):
    """The POST data of the admin's article form as the page shows it, with ``changes``.

    Carries the version the form was loaded at, as the hidden field does.
    """

    def answer(value):
        return {None: "unknown", True: "true", False: "false"}[value]

    data = {
        "kicker": article.kicker,
        "title": article.title,
        "slug": article.slug,
        "lead": article.lead,
        "dateline": article.dateline,
        "body": article.body,
        "featured_image": article.featured_image_id or "",
        "section": article.section_id or "",
        "regions": [tag.pk for tag in article.regions.all()],
        "officials": [tag.pk for tag in article.officials.all()],
        "topics": [tag.pk for tag in article.topics.all()],
        "reporters": [user.pk for user in article.reporters.all()],
        "editor": article.editor_id or "",
        "deadline_0": "",
        "deadline_1": "",
        "identifies_child": answer(article.identifies_child),
        "identifies_sexual_violence_victim": answer(article.identifies_sexual_violence_victim),
        "reply_to": article.reply_to_id or "",
        "seo_title": article.seo_title,
        "seo_description": article.seo_description,
        "expected_version": article.version,
        "_save": "Simpan",
    }
    for label in ["is_sponsored", "is_unverified", "is_ai_assisted"]:
        if getattr(article, label):
            data[label] = "on"
    # The "Baca juga" inlines (pinned, excluded and chosen stories), posted unchanged.
    for prefix in ["related_pins", "related_exclusions", "related_links"]:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def logged_in_client(user):
    """A test client with its own session, logged in as ``user``."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
