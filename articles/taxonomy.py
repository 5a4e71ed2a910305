"""Regions, officials and topics: matching names, suggesting tags, merging, structured data.

Names are compared as *keys*: the words of a name with accents, case, punctuation and
apostrophes folded away ("Mas'ud" = "Masud", "BALIKPAPAN" = "Balikpapan"). For people,
honorifics and titles are dropped as well ("Dr. H. Bagus Susetyo, S.E., M.Si." = "Bagus
Susetyo"). The *gazetteer* holds the keys of every region and official in memory, built
in two queries and shared by a process until ``tags_changed()`` says the tags moved on:
suggestions and name resolution then cost no query per tag.
"""

import html
import logging
import re
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from articles import caching
from articles.models import Official, OfficialPosition, Region, TagRedirect, Topic

logger = logging.getLogger(__name__)

REGION = TagRedirect.Kind.REGION
OFFICIAL = TagRedirect.Kind.OFFICIAL
TOPIC = TagRedirect.Kind.TOPIC
TAG_MODELS = {REGION: Region, OFFICIAL: Official, TOPIC: Topic}
# The kinds the gazetteer knows: proper names, found in running text.
SUGGESTED_KINDS = (REGION, OFFICIAL)

# Words written before a person's name, dropped when names are compared.
_HONORIFIC_GROUPS = (
    "pak bapak bp bu ibu mas mbak bang kak sdr sdri saudara saudari tuan nyonya ny",
    "h hj haji hajah hajjah kh kyai kiai ustad ustaz ustadz ustazah ustadzah habib tgh",
    "dr drs dra drg ir prof",
    "kombes akbp akp iptu ipda aiptu bripka brigpol pol irjen brigjen komjen jenderal",
    "kolonel letkol mayor kapten lettu letda mayjen laksamana marsekal",
)
HONORIFICS = frozenset(word for group in _HONORIFIC_GROUPS for word in group.split())
# How a newsroom addresses a person before the given name: "Pak Bagus", "Bu Rahmi".
ADDRESS_TERMS = ("pak", "bapak", "bu", "ibu")
# An academic degree written after a name ("S.E.", "M.Si", "Ph.D", "MBA"): short
# capitalised parts, each at most five letters, with or without dots.
_DEGREE = re.compile(r"^(?:[A-Z][A-Za-z]{0,4}\.?\s?){1,4}$")
_WORD = re.compile(r"[^\W_]+(?:['’`][^\W_]+)*")
_APOSTROPHES = str.maketrans("", "", "'’`")
# Punctuation that ends a phrase: a name never runs across it. Dots do not (H. Bagus).
_PHRASE_BREAK = re.compile(r"[,;:!?()\[\]{}\"“”‘«»/|–—\n]+")
_SENTENCE_END = re.compile(r"[.!?]")
_HTML_TAG = re.compile(r"<[^>]+>")
# Lower-case words allowed inside a name: "Pekerjaan Umum dan Penataan Ruang", "bin".
MAX_JOINING_WORD = 3
# The Indonesian possessive: "Balikpapannya" is still Balikpapan.
POSSESSIVE = "nya"

GAZETTEER_VERSION_KEY = "taxonomy:gazetteer-version"
# A process rebuilds its gazetteer at least this often even without a signal: a
# per-process cache (local memory in development) never hears of another's changes.
GAZETTEER_MAX_AGE = 300
MAX_SUGGESTION_TEXT = 200_000


class TaxonomyError(Exception):
    """A tag operation was refused; nothing was changed. ``str()`` is shown to the user."""


# Names and keys -----------------------------------------------------------------------


def fold(text):
    """``text`` without accents, in case-folded form: "Susetyó" → "susetyo"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_key(text):
    """The words of ``text`` as a tuple, folded: "Kota  Balikpapan!" → ("kota", "balikpapan")."""
    return tuple(word.translate(_APOSTROPHES) for word in _WORD.findall(fold(text or "")))


def normalize_name(text):
    """``text`` as one comparable string: case, accents and punctuation folded away."""
    return " ".join(name_key(text))


def person_key(name):
    """The key of a person's name without honorifics and degrees.

    "Dr. H. Bagus Susetyo, S.E., M.Si." and "Pak Bagus Susetyo" → ("bagus", "susetyo").
    """
    head, *tail = (name or "").split(",")
    # Degrees follow a comma; anything else after one stays part of the name.
    kept = [part for part in tail if not _DEGREE.match(part.strip())]
    words = list(name_key(",".join([head, *kept])))
    while len(words) > 1 and words[0] in HONORIFICS:
        words.pop(0)
    return tuple(words)


def alias_lines(text):
    """The aliases in a one-per-line field, blank lines dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def region_keys(name, official_name="", aliases=""):
    """Every key a region answers to: its name, official name and aliases."""
    keys = {name_key(name), name_key(official_name)}
    keys.update(name_key(alias) for alias in alias_lines(aliases))
    keys.discard(())
    return keys


def official_keys(name, aliases="", position=""):
    """Every key an official answers to, for resolving a name as written by someone.

    The name and aliases as written and without titles; "Pak"/"Bu" with the first or
    last name ("Pak Bagus"); the current position ("Wakil Wali Kota Balikpapan").
    """
    keys = set()
    for text in [name, *alias_lines(aliases)]:
        keys.add(name_key(text))
        stripped = person_key(text)
        # One bare word ("Bagus") is too common to stand for a person on its own.
        if len(stripped) > 1 or stripped == name_key(text):
            keys.add(stripped)
    words = person_key(name)
    if len(words) > 1:
        keys.update((term, word) for term in ADDRESS_TERMS for word in (words[0], words[-1]))
    keys.add(name_key(position))
    keys.discard(())
    return keys


# The gazetteer ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A tag the gazetteer knows: enough to suggest it without reading the database."""

    kind: str
    pk: int
    name: str


@dataclass(frozen=True)
class _Token:
    word: str
    capitalised: bool
    sentence_start: bool
    phrase: int


def _tokens(text):
    """The words of running text, folded, with what suggestions need to know of each."""
    phrase, sentence_start, position = 0, True, 0
    for match in _WORD.finditer(text):
        gap = text[position : match.start()]
        phrase += bool(_PHRASE_BREAK.search(gap))
        sentence_start = sentence_start or bool(_SENTENCE_END.search(gap))
        raw = match.group()
        yield _Token(fold(raw).translate(_APOSTROPHES), raw[:1].isupper(), sentence_start, phrase)
        sentence_start, position = False, match.end()


class Gazetteer:
    """Every key of every region and official, mapped to the tags it names."""

    def __init__(self, regions, officials):
        self.phrases = defaultdict(set)
        self.names = defaultdict(set)
        for pk, name, official_name, aliases in regions:
            entry = Entry(REGION, pk, name)
            self.names[name_key(name)].add(entry)
            for key in region_keys(name, official_name, aliases):
                self.phrases[key].add(entry)
        for pk, name, aliases, position in officials:
            entry = Entry(OFFICIAL, pk, name)
            self.names[name_key(name)].add(entry)
            self.names[person_key(name)].add(entry)
            for key in official_keys(name, aliases, position):
                self.phrases[key].add(entry)
        self.longest = max((len(key) for key in self.phrases), default=0)

    @classmethod
    def from_database(cls):
        return cls(
            Region.objects.values_list("pk", "name", "official_name", "aliases"),
            Official.objects.values_list("pk", "name", "aliases", "position"),
        )

    def resolve(self, kind, text):
        """The one tag of ``kind`` that ``text`` names, or None when none or several do.

        An exact name wins over other keys, so "Bogor" finds a region named
        "Bogor" but not, among Kota and Kabupaten Bogor, one of the two.
        """
        keys = [name_key(text), person_key(text)] if kind == OFFICIAL else [name_key(text)]
        for table in (self.names, self.phrases):
            for key in keys:
                found = [entry for entry in table.get(key, ()) if entry.kind == kind]
                if len(found) == 1:
                    return found[0]
                if found:
                    return None
        return None

    def find(self, text):
        """The tags named in ``text``, in order of first mention.

        A name counts where it stands as whole words (never inside a longer word),
        written as a proper noun, each word capitalised but for short joining words
        inside it (so the adjective "bagus" is no person, "batu bara" no regency),
        and may carry the possessive -nya on its last word. A one-word name opening a
        sentence is doubtful ("Malangnya, ...", a headline's "Damai") and counts only
        without -nya and when the text never writes that word in lower case. Where
        names overlap, the longest wins within each kind: "Balikpapan Selatan" is the
        district, not also the city.
        """
        tokens = list(_tokens(text[:MAX_SUGGESTION_TEXT]))
        common = {token.word for token in tokens if not token.capitalised}
        phrase_ends = {token.phrase: index + 1 for index, token in enumerate(tokens)}
        found = {}
        covered = defaultdict(int)  # kind → index up to which a match already spans
        for start, token in enumerate(tokens):
            if not token.capitalised:
                continue
            for size in range(self._proper_span(tokens, start, phrase_ends), 0, -1):
                if not tokens[start + size - 1].capitalised:
                    continue
                opening_word = size == 1 and token.sentence_start
                if opening_word and token.word in common:
                    break
                entries = self._lookup(tokens[start : start + size], possessive=not opening_word)
                if not entries:
                    continue
                end = start + size
                for entry in sorted(entries, key=lambda e: e.pk):
                    if end > covered[entry.kind]:
                        found.setdefault(entry, len(found))
                for kind in {entry.kind for entry in entries}:
                    covered[kind] = max(covered[kind], end)
                break
        return sorted(found, key=found.get)

    def _proper_span(self, tokens, start, phrase_ends):
        """How many tokens from ``start`` could form a proper name within its phrase."""
        end = min(start + self.longest, phrase_ends[tokens[start].phrase])
        size = 1
        while start + size < end and (
            tokens[start + size].capitalised or len(tokens[start + size].word) <= MAX_JOINING_WORD
        ):
            size += 1
        return size

    def _lookup(self, tokens, *, possessive):
        words = tuple(token.word for token in tokens)
        entries = self.phrases.get(words)
        last = words[-1]
        if (
            not entries
            and possessive
            and last.endswith(POSSESSIVE)
            and len(last) > len(POSSESSIVE) + 2
        ):
            entries = self.phrases.get((*words[:-1], last[: -len(POSSESSIVE)]))
        return entries


_loaded = {"version": None, "built_at": 0.0, "gazetteer": None}


def gazetteer():
    """This process's gazetteer, rebuilt when the tags changed (two queries), else reused."""
    try:
        version = cache.get_or_set(GAZETTEER_VERSION_KEY, get_random_string(12), None)
    except Exception:
        # The cache only spares rebuilds: without it (Redis down) age decides alone.
        logger.warning("Cannot read the gazetteer version from the cache.", exc_info=True)
        version = _loaded["version"]
    age = time.monotonic() - _loaded["built_at"]
    if _loaded["version"] != version or age > GAZETTEER_MAX_AGE:
        _loaded.update(
            version=version, built_at=time.monotonic(), gazetteer=Gazetteer.from_database()
        )
    return _loaded["gazetteer"]


def tags_changed():
    """Say that tags changed: every process rebuilds its gazetteer, public pages are purged.

    Runs after the transaction commits, so nobody rebuilds from data about to change.
    Tag chips, tag pages and feeds show names, so a rename or merge ends cached pages.
    """
    transaction.on_commit(_new_gazetteer_version)
    transaction.on_commit(caching.purge_public_pages)


def _new_gazetteer_version():
    try:
        cache.set(GAZETTEER_VERSION_KEY, get_random_string(12), None)
    except Exception:
        # The tags are saved; processes pick them up within GAZETTEER_MAX_AGE.
        logger.warning("Cannot store a new gazetteer version in the cache.", exc_info=True)


def suggest_tags(title, lead="", body=""):
    """Regions and officials named in an article's title, lead or body (HTML), as Entries.

    In order of first mention, from the in-memory gazetteer: no query per tag, none
    at all while the gazetteer is current.
    """
    body_text = html.unescape(_HTML_TAG.sub(" ", body or ""))
    found = []
    for part in (title or "", lead or "", body_text):
        found.extend(entry for entry in gazetteer().find(part) if entry not in found)
    return found


def find_tag(kind, name):
    """The existing tag of ``kind`` that ``name`` stands for, or None.

    Regions and officials are resolved through the gazetteer (aliases, titles,
    accents); any kind also by its exact name ignoring case, which covers a tag
    created moments ago by another process.
    """
    model = TAG_MODELS[kind]
    entry = gazetteer().resolve(kind, name) if kind in SUGGESTED_KINDS else None
    found = model.objects.filter(pk=entry.pk) if entry else model.objects.none()
    return found.first() or model.objects.filter(name__iexact=name.strip()).first()


def resolve_region(name):
    """The region ``name`` stands for ("kota balikpapan", "Kaltim"), or None."""
    return find_tag(REGION, name)


def resolve_official(name):
    """The official ``name`` stands for, or None when it is unknown or ambiguous.

    Case, accents, punctuation, honorifics and degrees do not matter; aliases and
    the current position count: "H. Bagus Susetyo", "Pak Bagus", "Wawali Balikpapan".
    """
    return find_tag(OFFICIAL, name)


# Merging and redirects ----------------------------------------------------------------


def merge_tags(source, target):
    """Merge tag ``source`` into ``target`` of the same kind, and delete ``source``.

    Its articles move over (an article tagged with both keeps one), its old slug
    redirects permanently to ``target``'s page, and its name becomes an alias of
    ``target`` so the name still resolves. Returns the number of articles moved.
    """
    kind = source._meta.model_name
    if type(source) is not type(target) or source.pk == target.pk:
        raise TaxonomyError(_("Choose two different tags of the same kind to merge."))
    if kind == REGION and (source in target.ancestors() or target in source.ancestors()):
        raise TaxonomyError(_("A region cannot be merged with a region inside it."))
    through = source.tagged_items.model
    with transaction.atomic():
        both = through.objects.filter(tag=target).values("content_object_id")
        through.objects.filter(tag=source, content_object_id__in=both).delete()
        moved = through.objects.filter(tag=source).update(tag=target)
        if kind == REGION:
            _absorb_region(source, target)
        elif kind == OFFICIAL:
            _absorb_official(source, target)
        TagRedirect.objects.filter(kind=kind, new_slug=source.slug).update(new_slug=target.slug)
        TagRedirect.objects.filter(kind=kind, old_slug=target.slug).delete()
        TagRedirect.objects.update_or_create(
            kind=kind, old_slug=source.slug, defaults={"new_slug": target.slug}
        )
        source.delete()
        target.save()
    tags_changed()
    return moved


def _merged_aliases(source, target, *names):
    known = {name_key(target.name)} | {name_key(a) for a in alias_lines(target.aliases)}
    aliases = alias_lines(target.aliases)
    for alias in [*names, *alias_lines(source.aliases)]:
        if alias and name_key(alias) not in known:
            known.add(name_key(alias))
            aliases.append(alias)
    return "\n".join(aliases)


def _absorb_region(source, target):
    source.children.update(parent=target)
    Official.objects.filter(region=source).update(region=target)
    OfficialPosition.objects.filter(region=source).update(region=target)
    target.aliases = _merged_aliases(source, target, source.name, source.official_name)
    if not target.code and source.code:
        # The source is deleted before the target is saved, so its code is free by then.
        target.code, target.official_name = source.code, source.official_name
        target.kind, target.parent_id = source.kind, source.parent_id
    target.description = target.description or source.description


def _absorb_official(source, target):
    source.positions.update(official=target)
    target.aliases = _merged_aliases(source, target, source.name)
    for field in ("position", "institution", "region_id", "photo_id", "description"):
        if not getattr(target, field):
            setattr(target, field, getattr(source, field))


def find_redirect(kind, slug):
    """Where the page of a merged tag moved: a URL for a 301, or None (one query)."""
    redirect = TagRedirect.objects.filter(kind=kind, old_slug=slug).first()
    return redirect.get_absolute_url() if redirect else None


# Structured data (schema.org JSON-LD) -------------------------------------------------


def _absolute(path, request):
    return request.build_absolute_uri(path) if request else settings.NEWSROOM_SITE_URL + path


def region_jsonld(region, *, request=None):
    """A schema.org ``Place`` for ``region``, inside its parent places up to Indonesia.

    No query when the region was loaded with ``select_related("parent__parent")``.
    """
    place = {"@type": "Place", "name": region.name}
    contained = place
    for parent in reversed(region.ancestors()):
        contained["containedInPlace"] = {"@type": "Place", "name": parent.name}
        contained = contained["containedInPlace"]
    contained["containedInPlace"] = {"@type": "Country", "name": "Indonesia"}
    place["url"] = _absolute(region.get_absolute_url(), request)
    if region.code:
        place["identifier"] = region.code
    return {"@context": "https://schema.org", **place}


def official_jsonld(official, *, at=None, request=None):
    """A schema.org ``Person`` for ``official``: name, jobTitle, worksFor, url, image.

    The job is the one held at ``at`` (an article's publish time), else the current
    one. No query when ``positions`` and ``photo`` were prefetched.
    """
    position = official.position_at(at) if at else official.current_position()
    person = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": official.name,
        "url": _absolute(official.get_absolute_url(), request),
    }
    if position:
        person["jobTitle"] = position.title
        if position.institution:
            person["worksFor"] = {"@type": "GovernmentOrganization", "name": position.institution}
    if official.photo_id and official.photo.file:
        person["image"] = _absolute(official.photo.file.url, request)
    return person
