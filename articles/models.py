import math
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from articles.html import count_words, sanitize_html

WORDS_PER_MINUTE = 200


def unique_slug(model, text, *, max_length, exclude_pk=None):
    """A slug for ``text`` that no other row of ``model`` uses yet."""
    base = slugify(text)[:max_length].strip("-") or "artikel"
    candidate, suffix = base, 2
    others = model._default_manager.exclude(pk=exclude_pk)
    while others.filter(slug=candidate).exists():
        tail = f"-{suffix}"
        candidate = base[: max_length - len(tail)].rstrip("-") + tail
        suffix += 1
    return candidate


class Section(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section_detail", kwargs={"slug": self.slug})


class Image(models.Model):
    file = models.ImageField(
        _("file"), upload_to="images/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(
        _("credit"), max_length=120, blank=True, help_text=_("Photographer or source of the photo.")
    )
    alt_text = models.CharField(
        _("alt text"),
        max_length=200,
        help_text=_("A short description of the photo for blind readers."),
    )
    renditions = models.JSONField(_("renditions"), default=list, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""), name="image_alt_text_required"),
        ]

    def __str__(self):
        return self.caption or self.alt_text


class Region(TagBase):
    """A place in Indonesia's administrative tree (province > city/regency > district).

    ``name`` is what readers call the place ("Balikpapan", "Kutai Kartanegara"), with
    the official prefix only where two places would share it ("Kota Bogor", "Kabupaten
    Bogor"); ``official_name`` is the Kemendagri one. The tree has three levels at most,
    so roll-ups follow ``parent`` twice instead of storing a path.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        REGENCY = "regency", _("Regency")
        DISTRICT = "district", _("District")

    # Which kinds a region's parent may be: the tree is province > city/regency > district.
    PARENT_KINDS = {
        Kind.PROVINCE: (),
        Kind.CITY: (Kind.PROVINCE,),
        Kind.REGENCY: (Kind.PROVINCE,),
        Kind.DISTRICT: (Kind.CITY, Kind.REGENCY),
    }

    # Unique ignoring case (see Meta) so a chip, an autocomplete entry or an imported name
    # means one place; the region data spells out repeated names ("Kota Bogor").
    name = models.CharField(_("name"), max_length=100)
    official_name = models.CharField(
        _("official name"),
        max_length=150,
        blank=True,
        help_text=_("As in the Kemendagri list, for example Kota Balikpapan."),
    )
    code = models.CharField(_("Kemendagri code"), max_length=13, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CITY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("One other name per line, such as an abbreviation (Kaltim, Kukar)."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["province", "city", "regency", "district"]),
                name="region_kind_valid",
            ),
            models.UniqueConstraint(Lower("name"), name="region_name_unique"),
        ]

    def get_absolute_url(self):
        return reverse("articles:region_detail", kwargs={"slug": self.slug})

    def clean(self):
        allowed = self.PARENT_KINDS.get(self.kind, ())
        if self.parent is not None and self.parent.kind not in allowed:
            raise ValidationError(
                {
                    "parent": _("A %(kind)s cannot lie inside a %(parent)s.")
                    % {"kind": self.get_kind_display(), "parent": self.parent.get_kind_display()}
                }
            )

    def descendants_and_self(self):
        """This region and every region under it, as a queryset usable as one subquery."""
        return Region.objects.filter(Q(pk=self.pk) | Q(parent=self.pk) | Q(parent__parent=self.pk))

    def ancestors(self):
        """The regions containing this one, the province first.

        Load the region with ``select_related("parent__parent")`` to read them
        without a query.
        """
        chain = []
        region = self.parent
        while region is not None and len(chain) < len(self.Kind):
            chain.insert(0, region)
            region = region.parent
        return chain


class Official(TagBase):
    """A public figure stories quote: a mayor, a head of agency, a police chief."""

    position = models.CharField(_("position"), max_length=150, blank=True)
    institution = models.CharField(_("institution"), max_length=150, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region served"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officials",
    )
    photo = models.ForeignKey(
        Image, verbose_name=_("photo"), on_delete=models.SET_NULL, null=True, blank=True
    )
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("One other name per line, such as a title used for the position."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    def get_absolute_url(self):
        return reverse("articles:official_detail", kwargs={"slug": self.slug})

    def position_at(self, when):
        """The position held on ``when`` (a date, or a datetime read in WITA), or None.

        An article shows what the person was at its publish date: the deputy mayor of
        2023 stays deputy mayor on that story after becoming mayor. The position
        history decides when it has entries; an official without any holds the
        current ``position``. Reads ``positions`` from prefetch_related when prefetched.
        """
        day = timezone.localdate(when) if isinstance(when, datetime) else when
        history = self.positions.all()
        if not history:
            return self._position_from_fields()
        return next(
            (p for p in history if p.start <= day and (p.end is None or day <= p.end)), None
        )

    def current_position(self):
        """The position held today (see ``position_at``)."""
        return self.position_at(timezone.localdate())

    def _position_from_fields(self):
        if not self.position:
            return None
        return OfficialPosition(
            official=self,
            title=self.position,
            institution=self.institution,
            region_id=self.region_id,
        )


class OfficialPosition(models.Model):
    """One period of an official's career: deputy mayor 2021–2025, mayor from 2025."""

    official = models.ForeignKey(
        Official, verbose_name=_("official"), on_delete=models.CASCADE, related_name="positions"
    )
    title = models.CharField(_("position"), max_length=150)
    institution = models.CharField(_("institution"), max_length=150, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region served"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    start = models.DateField(_("from"))
    end = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Empty while the position is held.")
    )

    class Meta:
        ordering = ["-start"]
        verbose_name = _("position")
        verbose_name_plural = _("position history")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="official_position_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title


class Topic(TagBase):
    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def get_absolute_url(self):
        return reverse("articles:topic_detail", kwargs={"slug": self.slug})


class TagRedirect(models.Model):
    """The address of a merged tag: its old page answers 301 with the tag it went into."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        OFFICIAL = "official", _("Official")
        TOPIC = "topic", _("Topic")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    old_slug = models.SlugField(_("old slug"), max_length=100, allow_unicode=True)
    new_slug = models.SlugField(_("new slug"), max_length=100, allow_unicode=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "old_slug"]
        verbose_name = _("tag redirect")
        verbose_name_plural = _("tag redirects")
        constraints = [
            models.UniqueConstraint(fields=["kind", "old_slug"], name="tag_redirect_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["region", "official", "topic"]),
                name="tag_redirect_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.old_slug} → {self.new_slug}"

    def get_absolute_url(self):
        return reverse(f"articles:{self.kind}_detail", kwargs={"slug": self.new_slug})


class TaggedRegion(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = _("article region")
        verbose_name_plural = _("article regions")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_region_unique"),
        ]


class TaggedOfficial(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = _("article official")
        verbose_name_plural = _("article officials")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_official_unique"
            ),
        ]


class TaggedTopic(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = _("article topic")
        verbose_name_plural = _("article topics")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_topic_unique"),
        ]


# What full-text search reads, by weight: a match in the title ranks above one in the body.
SEARCHED_FIELDS = {"title", "lead", "body"}
SEARCH_CONFIG = "indonesian"
SEARCH_VECTOR = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("lead", weight="B", config=SEARCH_CONFIG)
    + SearchVector("body", weight="C", config=SEARCH_CONFIG)
)


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Articles readers may see: published, or scheduled and past their time.

        Scheduling needs no background job: the time decides, in this one query.
        """
        now = now or timezone.now()
        return self.filter(
            status__in=Article.PUBLIC_STATUSES, published_at__isnull=False, published_at__lte=now
        )

    def for_listing(self):
        return self.select_related("section", "featured_image").prefetch_related("reporters")

    def refresh_search_vectors(self):
        """Recompute the full-text vectors of these articles in one UPDATE (PostgreSQL only).

        Article.save() calls it for one row; bulk importers call it for what they wrote.
        Elsewhere (SQLite) search falls back to substring matching and needs no vector.
        """
        if connections[self.db].vendor != "postgresql":
            return 0
        return self.update(search_vector=SEARCH_VECTOR)

    def owned_by(self, user):
        """Articles ``user`` created or is bylined on (EXISTS, not a join: no duplicates)."""
        bylined = Article.reporters.through.objects.filter(article=models.OuterRef("pk"), user=user)
        return self.filter(Q(created_by=user) | models.Exists(bylined))

    def in_region(self, region):
        """Articles tagged with ``region`` or any region inside it, in one query.

        A story tagged Balikpapan Selatan is also a Balikpapan and a Kalimantan Timur
        story without being tagged so.
        """
        tagged = TaggedRegion.objects.filter(tag__in=region.descendants_and_self())
        return self.filter(pk__in=tagged.values("content_object_id"))

    def with_tags(self):
        """Prefetch the tags an article page shows: a fixed number of queries for any list."""
        return self.prefetch_related(
            "regions__parent__parent", "officials__positions", "officials__photo", "topics"
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        RETRACTED = "retracted", _("Retracted")
        ARCHIVED = "archived", _("Archived")

    PUBLIC_STATUSES = (Status.SCHEDULED, Status.PUBLISHED)

    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(
        _("slug"),
        max_length=180,
        unique=True,
        blank=True,
        help_text=_("Made from the title; never changes after publication."),
    )
    kicker = models.CharField(_("kicker"), max_length=60, blank=True)
    lead = models.TextField(
        _("lead"),
        max_length=320,
        blank=True,
        help_text=_("One or two sentences; shown in listings and as the meta description."),
    )
    body = ProseEditorField(
        _("body"),
        blank=True,
        config={
            "extensions": {
                "Bold": True,
                "Italic": True,
                "Underline": True,
                "Strike": True,
                "Subscript": True,
                "Superscript": True,
                "Heading": {"levels": [2, 3, 4]},
                "BulletList": True,
                "OrderedList": True,
                "ListItem": True,
                "Blockquote": True,
                "HorizontalRule": True,
                "HardBreak": True,
                "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
                "History": True,
                "SpecialCharacters": True,
            }
        },
        sanitize=True,
    )
    dateline = models.CharField(
        _("dateline"), max_length=60, blank=True, help_text=_("For example BALIKPAPAN.")
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    reporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporters"),
        blank=True,
        related_name="bylined_articles",
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="edited_articles",
        help_text=_("The editor responsible, who reviews this article."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="created_articles",
    )
    featured_image = models.ForeignKey(
        Image,
        verbose_name=_("featured image"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    status_changed_at = models.DateTimeField(
        _("status changed"), default=timezone.now, editable=False
    )
    published_at = models.DateTimeField(_("publish time"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    seo_title = models.CharField(_("SEO title"), max_length=70, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=160, blank=True)
    word_count = models.PositiveIntegerField(_("word count"), default=0, editable=False)
    reading_time = models.PositiveSmallIntegerField(
        _("reading time (minutes)"), default=1, editable=False
    )
    regions = TaggableManager(
        verbose_name=_("regions"), through=TaggedRegion, blank=True, related_name="articles"
    )
    officials = TaggableManager(
        verbose_name=_("officials"), through=TaggedOfficial, blank=True, related_name="articles"
    )
    topics = TaggableManager(
        verbose_name=_("topics"), through=TaggedTopic, blank=True, related_name="articles"
    )
    # Editorial workflow (rules in articles/workflow.py).
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    is_sponsored = models.BooleanField(
        _("sponsored"), default=False, help_text=_("Sponsored content; readers see the label.")
    )
    is_unverified = models.BooleanField(
        _("still being verified"),
        default=False,
        help_text=_("Readers see a label that the information is still being verified."),
    )
    is_ai_assisted = models.BooleanField(
        _("AI-assisted"), default=False, help_text=_("Readers see a note that AI assisted.")
    )
    identifies_child = models.BooleanField(
        _("identifies a child?"),
        null=True,
        blank=True,
        help_text=_("Could the story reveal the identity of a child (offender, victim, witness)?"),
    )
    identifies_sexual_violence_victim = models.BooleanField(
        _("identifies a victim of sexual violence?"),
        null=True,
        blank=True,
        help_text=_("Could the story reveal the identity of a victim of sexual violence?"),
    )
    retraction_reason = models.TextField(_("retraction reason"), blank=True, editable=False)
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("right of reply to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        help_text=_("Set when this item is a right of reply to another article."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    external_id = models.CharField(
        _("external ID"), max_length=200, unique=True, null=True, blank=True, editable=False
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True, editable=False)
    # Full-text search on PostgreSQL (see articles/search.py); its GIN index is
    # created by migration 0004 on PostgreSQL only. Always NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # Related stories (rules in articles/recommendations/).
    inline_related = models.BooleanField(
        _("inline “Read also” link"),
        default=True,
        help_text=_("Show one related story as a link between the body's paragraphs."),
    )
    related_computed_at = models.DateTimeField(
        _("related stories computed"), null=True, blank=True, editable=False
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("edit_any_article", _("Can edit anyone's articles")),
            ("review_article", _("Can review, send back and approve articles")),
            ("publish_article", _("Can schedule, publish and unpublish articles")),
            ("retract_article", _("Can retract and archive articles")),
            ("approve_sensitive_article", _("Can approve articles with sensitive content")),
            ("add_correction", _("Can add corrections")),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published"),
            models.Index(fields=["section", "-published_at"], name="article_section_published"),
            # Replies (hak jawab) are rare: an index of only them stays small, and SQLite's
            # planner, misled by the all-NULL statistics of the plain foreign key index,
            # would otherwise scan every article to find an article's replies.
            models.Index(
                fields=["reply_to"], condition=Q(reply_to__isnull=False), name="article_replies"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "in_review",
                        "changes_requested",
                        "approved",
                        "scheduled",
                        "published",
                        "unpublished",
                        "retracted",
                        "archived",
                    ]
                ),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="retracted") | ~Q(retraction_reason=""),
                name="article_retraction_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["scheduled", "published"]) | Q(published_at__isnull=False),
                name="article_public_has_publish_time",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.normalise_fields()
        if not self.slug:
            self.slug = unique_slug(Article, self.title, max_length=180, exclude_pk=self.pk)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "word_count", "reading_time"}
        super().save(*args, **kwargs)
        if update_fields is None or SEARCHED_FIELDS.intersection(update_fields):
            Article.objects.using(self._state.db).filter(pk=self.pk).refresh_search_vectors()

    def get_absolute_url(self):
        return reverse("articles:article_detail", kwargs={"slug": self.slug})

    def normalise_fields(self):
        """Clean the body and derive counts; bulk importers call this before bulk_create."""
        self.body = sanitize_html(self.body)
        self.word_count = count_words(self.body)
        self.reading_time = max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    @property
    def is_public(self):
        return (
            self.status in self.PUBLIC_STATUSES
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def meta_description(self):
        return self.seo_description or self.lead


class ArticleTransition(models.Model):
    """The audit trail: one row per workflow transition, never edited."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="transitions"
    )
    name = models.CharField(_("transition"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=Article.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Article.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.article}: {self.from_status} → {self.to_status}"


class EditorialComment(models.Model):
    """Internal notes between reporters and editors; never shown to readers."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("editorial comment")
        verbose_name_plural = _("editorial comments")

    def __str__(self):
        return self.text[:60]


class ArticleRevision(models.Model):
    """A snapshot of everything a reader sees, taken on every save."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("content"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self):
        return f"{self.article} v{self.version}"


class Correction(models.Model):
    """A correction or update note added after publication (Pedoman Pemberitaan Media Siber)."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UPDATE = "update", _("Update")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(_("content"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["correction", "update"]), name="correction_kind_valid"
            ),
        ]

    def __str__(self):
        return self.text[:60]


class RelatedArticle(models.Model):
    """One stored "Read also" recommendation, computed by articles.recommendations."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="related_links"
    )
    related = models.ForeignKey(
        Article,
        verbose_name=_("related article"),
        on_delete=models.CASCADE,
        related_name="related_from",
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        ordering = ["article", "rank"]
        verbose_name = _("related article")
        verbose_name_plural = _("related articles")
        constraints = [
            models.UniqueConstraint(fields=["article", "rank"], name="related_article_rank_unique"),
            models.UniqueConstraint(
                fields=["article", "related"], name="related_article_pair_unique"
            ),
            models.CheckConstraint(
                condition=~Q(article=models.F("related")), name="related_article_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.article} → {self.related}"


class RelatedPin(models.Model):
    """A story an editor wants first in an article's "Read also" block."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="related_pins"
    )
    related = models.ForeignKey(
        Article, verbose_name=_("pinned article"), on_delete=models.CASCADE, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["article", "order", "pk"]
        verbose_name = _("pinned related article")
        verbose_name_plural = _("pinned related articles")
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="related_pin_unique"),
            models.CheckConstraint(
                condition=~Q(article=models.F("related")), name="related_pin_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.article} → {self.related}"


class RelatedExclusion(models.Model):
    """A story an editor never wants in an article's "Read also" block."""

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="related_exclusions",
    )
    related = models.ForeignKey(
        Article, verbose_name=_("excluded article"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("excluded related article")
        verbose_name_plural = _("excluded related articles")
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="related_exclusion_unique"),
        ]

    def __str__(self):
        return f"{self.article} ↛ {self.related}"


class ArticleTerm(models.Model):
    """One of an article's key text terms: the inverted index that finds related stories."""

    # No foreign key in the database: SQLite empties a table at once only if no
    # constraint must be checked, and a full recompute replaces millions of
    # rows. Django's cascade still removes a deleted article's rows. (The
    # unique constraint's index, article first, serves lookups by article.)
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="terms",
        db_constraint=False,
        db_index=False,
    )
    term = models.CharField(_("term"), max_length=40)
    weight = models.FloatField(_("weight"))

    class Meta:
        verbose_name = _("article term")
        verbose_name_plural = _("article terms")
        # A term's strongest postings first, with the article id in the index itself.
        indexes = [
            models.Index(fields=["term", "-weight", "-article"], name="article_term_postings")
        ]
        constraints = [
            models.UniqueConstraint(fields=["article", "term"], name="article_term_unique"),
        ]

    def __str__(self):
        return self.term


class ArticleVector(models.Model):
    """An article's whole term vector (term → weight), read in one row to score it."""

    article = models.OneToOneField(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="term_vector",
    )
    weights = models.JSONField(_("weights"), default=dict)

    class Meta:
        verbose_name = _("article term vector")
        verbose_name_plural = _("article term vectors")

    def __str__(self):
        return str(self.article_id)


class TermStatistic(models.Model):
    """How many public articles use a term: the corpus document frequency for IDF."""

    term = models.CharField(_("term"), max_length=40, unique=True)
    article_count = models.PositiveIntegerField(_("articles"), default=0)

    class Meta:
        ordering = ["term"]
        verbose_name = _("term statistic")
        verbose_name_plural = _("term statistics")

    def __str__(self):
        return self.term


class ArticleViewCount(models.Model):
    """How often an article was read on one day (WITA): no visitor data, only a count."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="view_counts"
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        ordering = ["-day", "-views"]
        verbose_name = _("daily views")
        verbose_name_plural = _("daily views")
        indexes = [models.Index(fields=["day", "article", "views"], name="article_views_by_day")]
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="article_view_count_unique"),
        ]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.views}"
