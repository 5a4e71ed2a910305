"""Bulk import of articles from JSON Lines, for migrations and load tests.

Each line is one article (the format is documented in the README). Lines are
checked one at a time: a bad line is reported with its number and skipped.
Good lines are written in batches, one transaction per batch, with bulk
queries whose number does not grow with the batch: sections, bylines and tags
are looked up by name (created when missing), slugs are allocated without a
query per article, and the new articles are published through
``workflow.publish_imported``. A line whose ``external_id`` is already known
updates that article instead of adding a second one.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Lower, Trim
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.encoding import iri_to_uri
from django.utils.text import slugify
from django.utils.translation import gettext as _

from articles import caching, workflow
from articles.html import looks_like_html, paragraphs_to_html, plain_text, sanitize_html
from articles.models import (
    Article,
    Official,
    Region,
    Section,
    TaggedOfficial,
    TaggedRegion,
    TaggedTopic,
    Topic,
)

DEFAULT_BATCH_SIZE = 500
# Room kept at the end of a generated slug for a "-<n>" that makes it unique.
SLUG_SUFFIX_ROOM = 8
# Fields written again when a line updates an article imported before.
UPDATED_FIELDS = [
    "title",
    "lead",
    "body",
    "dateline",
    "section",
    "published_at",
    "source_url",
    "word_count",
    "reading_time",
]


def _max_length(model, name):
    return model._meta.get_field(name).max_length


class LineError(ValueError):
    """A line that cannot be imported; ``str()`` is the reason shown to the user."""


@dataclass
class ImportRow:
    """One valid line, cleaned and ready to be written."""

    line: int
    title: str
    body: str
    published_at: datetime
    lead: str = ""
    slug: str = ""
    section: str = ""
    dateline: str = ""
    source_url: str = ""
    external_id: str | None = None
    authors: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    officials: list = field(default_factory=list)
    topics: list = field(default_factory=list)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    lines: int = 0


def _squash_spaces(value):
    return " ".join(value.split())


def _text(data, key, *, max_length=None, required=False, squash=False):
    """The string under ``key``, stripped (``squash``: inner spaces tidied too)."""
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise LineError(_("“%(field)s” must be a string.") % {"field": key})
    value = _squash_spaces(value) if squash else value.strip()
    if required and not value:
        raise LineError(_("“%(field)s” is missing or empty.") % {"field": key})
    if max_length is not None and len(value) > max_length:
        raise _too_long(key, max_length)
    return value


def _too_long(key, max_length):
    return LineError(
        _("“%(field)s” is longer than %(max)d characters.") % {"field": key, "max": max_length}
    )


def _shorten(text, limit):
    """``text`` cut at a word to fit in ``limit`` characters, ending with "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def _names(data, key, *, max_length):
    """A list of names, spaces tidied, duplicates (ignoring case) dropped."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise LineError(_("“%(field)s” must be a list of names.") % {"field": key})
    names = {}
    for raw in value:
        name = _squash_spaces(raw)
        if len(name) > max_length:
            raise LineError(
                _("A name in “%(field)s” is longer than %(max)d characters.")
                % {"field": key, "max": max_length}
            )
        if name:
            names.setdefault(name.lower(), name)
    return list(names.values())


def _published_at(data):
    value = _text(data, "published_at", required=True)
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise LineError(
            _("“published_at” is not an ISO 8601 date and time: %(value)s")
            % {"value": _shorten(value, 40)}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _source_url(data):
    # Archives hold URLs with spaces or non-ASCII characters: encode them rather than refuse.
    url = iri_to_uri(_text(data, "source_url"))
    if url:
        try:
            URLValidator()(url)
        except ValidationError:
            raise LineError(_("“source_url” is not a valid URL.")) from None
    if len(url) > (limit := _max_length(Article, "source_url")):
        raise _too_long("source_url", limit)
    return url


def _body(data):
    body = _text(data, "body", required=True)
    body = sanitize_html(body if looks_like_html(body) else paragraphs_to_html(body))
    if not plain_text(body):
        raise LineError(_("“body” has no text left once cleaned."))
    return body


def parse_line(raw, line_number):
    """Check one line of the file and return its ImportRow; raise LineError if it is bad.

    Titles longer than the model allows are refused rather than cut: a headline
    is the editor's call. Leads are shortened at a word to fit, since they only
    summarise the body and many archives keep longer ones.
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise LineError(_("the line is not valid UTF-8.")) from None
    try:
        data = json.loads(raw.removeprefix("\ufeff"))
    except json.JSONDecodeError as error:
        raise LineError(_("invalid JSON (%(error)s).") % {"error": error.msg}) from None
    if not isinstance(data, dict):
        raise LineError(_("the line is not a JSON object."))
    external_id = _text(data, "external_id", max_length=_max_length(Article, "external_id"))
    tag_length = _max_length(Topic, "name")
    return ImportRow(
        line=line_number,
        title=_text(
            data, "title", required=True, squash=True, max_length=_max_length(Article, "title")
        ),
        body=_body(data),
        published_at=_published_at(data),
        lead=_shorten(_text(data, "lead", squash=True), _max_length(Article, "lead")),
        slug=_text(data, "slug", max_length=_max_length(Article, "slug")),
        section=_text(data, "section", squash=True, max_length=_max_length(Section, "name")),
        dateline=_text(data, "dateline", max_length=_max_length(Article, "dateline")),
        source_url=_source_url(data),
        external_id=external_id or None,
        authors=_names(data, "authors", max_length=_max_length(get_user_model(), "first_name")),
        regions=_names(data, "regions", max_length=_max_length(Region, "name")),
        officials=_names(data, "officials", max_length=tag_length),
        topics=_names(data, "tags", max_length=tag_length),
    )


def allocate_slugs(model, texts, *, max_length, fallback):
    """Unique slugs for ``texts`` (in order), in a few queries however many there are.

    The slugs made from the texts are looked up at once; for those taken (or
    repeated among the texts), the variants "<slug>-2" to "<slug>-9" are looked
    up at once too, then "-10" to "-99" for the few that need more, and so on.
    Exact lookups on the unique index: no scan, no query per text.
    """
    bases = [
        slugify(text)[: max_length - SLUG_SUFFIX_ROOM].strip("-") or fallback for text in texts
    ]
    needed = Counter(bases)
    slugs = model._default_manager.values_list("slug", flat=True)
    taken = set(slugs.filter(slug__in=list(needed)))
    free = {base: int(base not in taken) for base in needed}
    suffixes = range(2, 10)
    while pending := [base for base in needed if free[base] < needed[base]]:
        candidates = [f"{base}-{suffix}" for base in pending for suffix in suffixes]
        taken.update(slugs.filter(slug__in=candidates))
        for base in pending:
            free[base] += sum(f"{base}-{suffix}" not in taken for suffix in suffixes)
        suffixes = range(suffixes.stop, suffixes.stop * 10)
    next_suffix = {}
    allocated = []
    for base in bases:
        candidate = base
        while candidate in taken:
            next_suffix[base] = next_suffix.get(base, 1) + 1
            candidate = f"{base}-{next_suffix[base]}"
        taken.add(candidate)
        allocated.append(candidate)
    return allocated


class NamedRows:
    """Rows of ``model`` looked up by name ignoring case, created when missing.

    What was found or created is remembered, so a long import asks about each
    name once. Where several rows share a name (regions do), the oldest wins.
    """

    def __init__(self, model, *, fallback_slug):
        self.model = model
        self.fallback_slug = fallback_slug
        self.by_key = {}

    def __getitem__(self, name):
        return self.by_key[name.lower()]

    def resolve(self, names):
        """Make every name in ``names`` known, with one lookup and one insert at most.

        Of names differing only in case, the first one seen is the one created.
        """
        missing = {}
        for name in names:
            if name.lower() not in self.by_key:
                missing.setdefault(name.lower(), name)
        if not missing:
            return
        found = self.find(missing)
        self.by_key.update(found)
        new = {key: name for key, name in missing.items() if key not in found}
        if new:
            self.by_key.update(self.create(new))

    def find(self, missing):
        # SQLite's LOWER() only folds ASCII, so exact names are matched as well.
        rows = (
            self.model._default_manager.annotate(lower_name=Lower("name"))
            .filter(Q(name__in=missing.values()) | Q(lower_name__in=missing))
            .order_by("pk")
        )
        by_name = {}
        for row in rows:
            by_name.setdefault(row.name.lower(), row)
        return {key: by_name[key] for key in missing if key in by_name}

    def create(self, new):
        names = list(new.values())
        slugs = allocate_slugs(
            self.model,
            names,
            max_length=_max_length(self.model, "slug"),
            fallback=self.fallback_slug,
        )
        rows = self.model._default_manager.bulk_create(
            self.model(name=name, slug=slug) for name, slug in zip(names, slugs, strict=True)
        )
        return dict(zip(new, rows, strict=True))


def byline_username(name):
    """The stable username of an imported byline: "Dewi Lestari" → "dewi.lestari"."""
    return slugify(name).replace("-", ".")[:150] or "penulis"


class Bylines(NamedRows):
    """Users for the names in ``authors``: an existing user with that full name or
    username, else a new inactive, non-staff account that only carries the byline."""

    def __init__(self):
        super().__init__(get_user_model(), fallback_slug="")

    def find(self, missing):
        users = (
            self.model._default_manager.annotate(
                full_name=Lower(Trim(Concat("first_name", Value(" "), "last_name")))
            )
            .filter(
                Q(full_name__in=missing)
                | Q(username__in=[byline_username(name) for name in missing.values()])
            )
            .order_by("pk")
        )
        by_full_name, by_username = {}, {}
        for user in users:
            by_full_name.setdefault(user.get_full_name().lower(), user)
            by_username[user.username] = user
        found = {}
        for key, name in missing.items():
            user = by_full_name.get(key) or by_username.get(byline_username(name))
            if user is not None:
                found[key] = user
        return found

    def create(self, new):
        # Names that differ only in punctuation share a username, hence one account.
        accounts = {}
        for name in new.values():
            username = byline_username(name)
            if username not in accounts:
                user = self.model(username=username, first_name=name, is_active=False)
                user.set_unusable_password()
                accounts[username] = user
        self.model._default_manager.bulk_create(accounts.values())
        return {key: accounts[byline_username(name)] for key, name in new.items()}


@dataclass
class _Link:
    """A many-to-many relation filled from a list of names on each row."""

    attribute: str
    names: NamedRows
    through: type
    article_column: str = "content_object_id"
    target_column: str = "tag_id"

    def replace(self, pairs, updated_pks):
        """Link each (row, article) to the rows its names resolve to, dropping old links."""
        self.names.resolve(name for row, _article in pairs for name in getattr(row, self.attribute))
        if updated_pks:
            self.through.objects.filter(**{f"{self.article_column}__in": updated_pks}).delete()
        links = {
            (article.pk, self.names[name].pk)
            for row, article in pairs
            for name in getattr(row, self.attribute)
        }
        self.through.objects.bulk_create(
            self.through(**{self.article_column: article_pk, self.target_column: target_pk})
            for article_pk, target_pk in links
        )


class BatchError(Exception):
    """The database refused a batch; the batches before it are saved."""

    def __init__(self, rows, error):
        self.first_line, self.last_line = rows[0].line, rows[-1].line
        super().__init__(str(error))


class ArticleImporter:
    """Imports lines of JSON into published articles, batch by batch.

    ``on_error(line_number, reason)`` hears about every skipped line and
    ``on_batch(result)`` about the running totals after each batch written.
    """

    def __init__(self, *, batch_size=DEFAULT_BATCH_SIZE, on_error=None, on_batch=None):
        self.batch_size = batch_size
        self.on_error = on_error or (lambda line, reason: None)
        self.on_batch = on_batch or (lambda result: None)
        self.sections = NamedRows(Section, fallback_slug="rubrik")
        self.links = [
            _Link("authors", Bylines(), Article.reporters.through, "article_id", "user_id"),
            _Link("regions", NamedRows(Region, fallback_slug="wilayah"), TaggedRegion),
            _Link("officials", NamedRows(Official, fallback_slug="tokoh"), TaggedOfficial),
            _Link("topics", NamedRows(Topic, fallback_slug="topik"), TaggedTopic),
        ]
        self.result = ImportResult()

    def run(self, lines):
        """Import every line of ``lines`` (str or bytes); return the ImportResult."""
        batch = []
        for number, raw in enumerate(lines, start=1):
            self.result.lines = number
            if not raw.strip():
                continue
            try:
                batch.append(parse_line(raw, number))
            except LineError as error:
                self.result.skipped += 1
                self.on_error(number, str(error))
                continue
            if len(batch) >= self.batch_size:
                self._write(batch)
                batch = []
        if batch:
            self._write(batch)
        return self.result

    def _write(self, rows):
        latest = {row.external_id: row for row in rows if row.external_id}
        kept = [row for row in rows if not row.external_id or latest[row.external_id] is row]
        try:
            created, updated = self._save(kept)
        except DatabaseError as error:
            raise BatchError(rows, error) from error
        self.result.created += len(created)
        # A line repeating an external_id of the same batch updates what the earlier one made.
        self.result.updated += len(updated) + len(rows) - len(kept)
        self.on_batch(self.result)

    def _save(self, rows):
        """Write one batch in one transaction and publish the new articles."""
        with transaction.atomic():
            existing = Article.objects.in_bulk(
                [row.external_id for row in rows if row.external_id], field_name="external_id"
            )
            self.sections.resolve(row.section for row in rows if row.section)
            created = self._create([row for row in rows if row.external_id not in existing])
            updated = self._update(
                [(row, existing[row.external_id]) for row in rows if row.external_id in existing]
            )
            for link in self.links:
                link.replace(created + updated, [article.pk for _row, article in updated])
            # bulk_create and update() skip Article.save(), which keeps search vectors current.
            Article.objects.filter(
                pk__in=[article.pk for _row, article in created + updated]
            ).refresh_search_vectors()
            workflow.publish_imported([article.pk for _row, article in created])
            if updated:
                # New articles purge through the workflow; changed text must not stay cached either.
                transaction.on_commit(caching.purge_public_pages)
        return created, updated

    def _fill(self, article, row):
        article.title = row.title
        article.lead = row.lead
        article.body = row.body
        article.dateline = row.dateline
        article.section = self.sections[row.section] if row.section else None
        article.published_at = row.published_at
        article.source_url = row.source_url
        # bulk_create and bulk_update skip save(), which is where the counts are made.
        article.normalise_fields()
        return article

    def _create(self, rows):
        slugs = allocate_slugs(
            Article,
            [row.slug or row.title for row in rows],
            max_length=_max_length(Article, "slug"),
            fallback="artikel",
        )
        articles = [
            self._fill(Article(slug=slug, external_id=row.external_id), row)
            for row, slug in zip(rows, slugs, strict=True)
        ]
        Article.objects.bulk_create(articles)
        return list(zip(rows, articles, strict=True))

    def _update(self, pairs):
        """Overwrite articles imported before; their slug stays, as published URLs must."""
        now = timezone.now()
        for row, article in pairs:
            self._fill(article, row)
            # One plain UPDATE per article: bulk_update's CASE expressions take Django
            # about thirty times longer to build than these take to run.
            Article.objects.filter(pk=article.pk).update(
                **{name: getattr(article, name) for name in UPDATED_FIELDS},
                # A new version makes an editor's open form stale instead of overwriting.
                version=F("version") + 1,
                updated_at=now,
            )
        return pairs
