"""Related stories ("Baca juga"): ranking, exclusions, pins, refreshes and page reads."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.models import (
    Article,
    ArticleTerm,
    ArticleVector,
    Region,
    RelatedArticle,
    RelatedExclusion,
    RelatedPin,
    TermStatistic,
)
from articles.recommendations import engine, index
from articles.recommendations.display import insert_inline_related, reason_text
from articles.recommendations.index import KEY_TERMS, key_terms
from articles.recommendations.scoring import CorpusStats, Doc, score
from articles.recommendations.text import term_counts, tfidf_vector
from tests.factories import (
    OfficialFactory,
    RegionFactory,
    TopicFactory,
    UserFactory,
    article_in_state,
    published_article,
)

pytestmark = pytest.mark.django_db

FLOOD = {
    "title": "Wakil Wali Kota tinjau banjir di Sepinggan",
    "lead": "Bagus Susetyo meninjau permukiman yang terendam banjir di Sepinggan.",
    "body": "<p>Banjir setinggi lutut merendam puluhan rumah warga Sepinggan.</p>"
    "<p>Bagus Susetyo meminta drainase yang tersumbat sampah segera dikeruk.</p>"
    "<p>Warga mengungsi ke masjid dan BPBD membuka dapur umum.</p>",
}
FLOOD_FOLLOW_UP = {
    "title": "Drainase Sepinggan dikeruk usai banjir",
    "lead": "Dinas pekerjaan umum mengeruk drainase Sepinggan yang tersumbat sampah usai banjir.",
    "body": "<p>Alat berat mengeruk sampah dan lumpur dari drainase Sepinggan.</p>"
    "<p>Pengerukan dilakukan setelah banjir merendam rumah warga.</p>",
}
FOOTBALL = {
    "title": "Persiba menang dua gol di Stadion Batakan",
    "lead": "Persiba Balikpapan menang 2-0 atas tamunya di Stadion Batakan.",
    "body": "<p>Dua gol lahir pada babak kedua lewat sundulan dan tendangan bebas.</p>"
    "<p>Pelatih memuji semangat pemain muda.</p>",
}
BUDGET = {
    "title": "DPRD Balikpapan bahas rancangan APBD 2026",
    "lead": "DPRD mulai membahas rancangan anggaran daerah bersama pemkot.",
    "body": "<p>Fraksi-fraksi meminta anggaran drainase dan jalan ditambah.</p>",
}
TAG_MANAGERS = {"official": "officials", "region": "regions", "topic": "topics"}


@pytest.fixture
def tags():
    """A small region tree (province > city > district), an official and a theme."""
    province = RegionFactory(
        name="Kalimantan Timur", slug="kalimantan-timur", kind=Region.Kind.PROVINCE
    )
    city = RegionFactory(name="Balikpapan", slug="balikpapan")
    city.parent = province
    city.save()
    district = RegionFactory(
        name="Balikpapan Selatan",
        slug="balikpapan-selatan",
        kind=Region.Kind.DISTRICT,
        parent=city,
    )
    return {
        "official": OfficialFactory(name="Bagus Susetyo", slug="bagus-susetyo"),
        "district": district,
        "city": city,
        "topic": TopicFactory(name="banjir", slug="banjir"),
    }


def story(text, days_ago=0, state="published", tagged=None):
    """An article with ``text`` published ``days_ago`` (through the workflow), tagged."""
    when = timezone.now() - timedelta(days=days_ago)
    if state == "published":
        article = published_article(published_at=when, **text)
    else:
        article = article_in_state(state, **text)
    for tag in tagged or ():
        getattr(article, TAG_MANAGERS[tag._meta.model_name]).add(tag)
    return article


FLOOD_DAYS = [
    "<p>Relawan membagikan nasi bungkus dan air bersih kepada pengungsi di masjid.</p>",
    "<p>Puskesmas membuka posko kesehatan; warga mengeluhkan gatal dan diare.</p>",
    "<p>Sekolah di Sepinggan meliburkan murid karena ruang kelas tergenang lumpur.</p>",
    "<p>Pedagang pasar menghitung kerugian setelah dagangan mereka terendam.</p>",
    "<p>Petugas kebersihan mengangkut berton-ton sampah yang terbawa arus.</p>",
]


def flood_day(days):
    """A different story of the same flood on day ``days`` (1 to 5): related, no duplicate."""
    return {
        "title": f"Banjir Sepinggan hari ke-{days}",
        "lead": "Warga Sepinggan masih bergulat dengan dampak banjir.",
        "body": FLOOD_DAYS[days - 1] + "<p>Air banjir mulai surut di sebagian permukiman.</p>",
    }


def flood_tags(tags):
    return [tags["official"], tags["district"], tags["topic"]]


def stored_block(article):
    return list(
        RelatedArticle.objects.filter(article=article)
        .order_by("rank")
        .values_list("related_id", flat=True)
    )


def editor():
    return UserFactory(username="pemred-uji", is_superuser=True)


def test_story_sharing_official_place_and_theme_comes_first(tags):
    """The block leads with the story about the same official, place and theme, with reasons."""
    flood = story(FLOOD, days_ago=10, tagged=flood_tags(tags))
    follow_up = story(FLOOD_FOLLOW_UP, days_ago=5, tagged=flood_tags(tags))
    football = story(FOOTBALL, days_ago=9)
    engine.recompute_all()
    block = stored_block(flood)
    assert block[0] == follow_up.pk
    assert football.pk not in block[:1]
    reasons = RelatedArticle.objects.get(article=flood, related=follow_up).reasons
    assert reason_text(reasons).startswith("Sama-sama menyebut Bagus Susetyo · Balikpapan Selatan")
    assert "topik banjir" in reason_text(reasons)


def test_batch_and_per_article_paths_agree(tags):
    """``recompute_related`` and the per-article refresh choose the same block."""
    flood = story(FLOOD, days_ago=10, tagged=flood_tags(tags))
    story(FLOOD_FOLLOW_UP, days_ago=5, tagged=flood_tags(tags))
    story(BUDGET, days_ago=3, tagged=[tags["city"]])
    story(FOOTBALL, days_ago=9)
    engine.recompute_all()
    batch = stored_block(flood)
    assert [item.article_id for item in engine.compute(flood.pk)] == batch


def test_batch_index_weighs_every_article_against_the_whole_corpus():
    """Each stored vector is the article's TF-IDF with the corpus's own statistics,
    and its heaviest terms are its postings in the inverted index."""
    stories = [story(text, days_ago=days) for days, text in enumerate([FLOOD, BUDGET, FOOTBALL])]
    engine.recompute_all()
    frequency = dict(TermStatistic.objects.values_list("term", "article_count"))
    for article in stories:
        counts = term_counts(article.title, article.lead, article.body)
        expected = tfidf_vector(counts, frequency, len(stories))
        assert ArticleVector.objects.get(article=article).weights == expected
        postings = dict(ArticleTerm.objects.filter(article=article).values_list("term", "weight"))
        assert postings == dict(key_terms(expected))
        assert len(postings) == min(len(expected), KEY_TERMS)


def test_deleting_an_article_removes_it_from_the_index():
    """Index rows go with their article (Django's cascade: the table has no database constraint)."""
    flood, budget = story(FLOOD, days_ago=2), story(BUDGET, days_ago=1)
    engine.recompute_all()
    flood.delete()
    assert not ArticleTerm.objects.filter(article_id=flood.pk).exists()
    assert not ArticleVector.objects.filter(article_id=flood.pk).exists()
    assert ArticleTerm.objects.filter(article=budget).exists()


def test_database_and_memory_postings_find_the_same_candidates(monkeypatch):
    """The per-article SQL keeps each term's strongest postings exactly as the batch index does."""
    monkeypatch.setattr(index, "POSTINGS_PER_TERM", 2)
    monkeypatch.setattr(index, "TEXT_CANDIDATES", 3)
    articles = [story(text, days_ago=9) for text in (FLOOD, FLOOD_FOLLOW_UP, BUDGET, FOOTBALL)]
    articles += [story(flood_day(days), days) for days in range(1, 6)]
    engine.recompute_all()
    docs = index.load_docs([article.pk for article in articles])
    memory = index.MemoryIndex(list(docs.values()))
    for query in docs.values():
        stats = index.database_stats(query)
        found = index.database_candidates(query, stats)
        assert found == {doc.pk for doc in memory.candidates(query, stats)}
        assert 0 < len(found) <= 3


def test_neighbouring_region_is_a_weaker_reason(tags):
    """A story about a district's city is related, explained as "near" that city."""
    city = RegionFactory(name="Penajam Paser Utara", slug="penajam-paser-utara")
    district = RegionFactory(name="Sepaku", slug="sepaku", kind=Region.Kind.DISTRICT, parent=city)
    flood = story(FLOOD, days_ago=10, tagged=[district])
    budget = story(BUDGET, days_ago=9, tagged=[city])
    story(FOOTBALL, days_ago=9)
    engine.recompute_all()
    reasons = RelatedArticle.objects.get(article=flood, related=budget).reasons
    assert {"kind": "region_near", "name": "Penajam Paser Utara"} in reasons


def test_follow_up_beats_old_story_of_equal_relevance():
    """Same text and tags: the newer follow-up scores above a story from long before."""
    now = timezone.now()
    vector = {"banjir": 0.8, "sepinggan": 0.6}
    tags = {"official": frozenset({1})}
    query = Doc(pk=1, published_at=now - timedelta(days=30), vector=vector, tags=tags)
    follow_up = Doc(pk=2, published_at=now - timedelta(days=20), vector=vector, tags=tags)
    old = Doc(pk=3, published_at=now - timedelta(days=400), vector=vector, tags=tags)
    same_gap_before = Doc(pk=4, published_at=now - timedelta(days=40), vector=vector, tags=tags)
    stats = CorpusStats(total=10, tag_counts={("official", 1): 3})
    assert score(query, follow_up, stats)[0] > score(query, same_gap_before, stats)[0]
    assert score(query, same_gap_before, stats)[0] > score(query, old, stats)[0]


def test_old_story_of_the_same_event_gives_way_to_the_follow_up(tags):
    """Of two near-identical stories, the block keeps the recent one only."""
    flood = story(FLOOD, days_ago=400, tagged=flood_tags(tags))
    old_copy = story({**FLOOD_FOLLOW_UP, "title": "Drainase dikeruk"}, 700, tagged=flood_tags(tags))
    follow_up = story(FLOOD_FOLLOW_UP, days_ago=390, tagged=flood_tags(tags))
    engine.recompute_all()
    block = stored_block(flood)
    assert block[0] == follow_up.pk
    assert old_copy.pk not in block


@pytest.mark.parametrize(
    "state", ["draft", "in_review", "approved", "scheduled", "unpublished", "retracted", "archived"]
)
def test_only_public_articles_are_recommended(tags, state):
    """Never the article itself, nor a story readers cannot see, on either path."""
    flood = story(FLOOD, days_ago=10, tagged=flood_tags(tags))
    hidden = story(FLOOD_FOLLOW_UP, state=state, tagged=flood_tags(tags))
    visible = story(FLOOD_FOLLOW_UP, days_ago=8, tagged=flood_tags(tags))
    engine.recompute_all()
    for block in (stored_block(flood), [item.article_id for item in engine.compute(flood.pk)]):
        assert visible.pk in block
        assert hidden.pk not in block
        assert flood.pk not in block
    assert not RelatedArticle.objects.filter(article=hidden).exists()


def test_pins_come_first_and_exclusions_never_appear(tags):
    """Pinned stories lead in the editor's order; excluded and non-public pins are left out."""
    flood = story(FLOOD, days_ago=10, tagged=flood_tags(tags))
    follow_up = story(FLOOD_FOLLOW_UP, days_ago=5, tagged=flood_tags(tags))
    football = story(FOOTBALL, days_ago=9)
    budget = story(BUDGET, days_ago=8)
    draft = story(FOOTBALL, state="draft")
    RelatedPin.objects.create(article=flood, related=football, order=2)
    RelatedPin.objects.create(article=flood, related=budget, order=1)
    RelatedPin.objects.create(article=flood, related=draft, order=0)
    RelatedExclusion.objects.create(article=flood, related=follow_up)
    engine.recompute_all()
    assert stored_block(flood)[:2] == [budget.pk, football.pk]
    assert follow_up.pk not in stored_block(flood)
    assert draft.pk not in stored_block(flood)
    assert [item.article_id for item in engine.compute(flood.pk)] == stored_block(flood)
    assert reason_text(RelatedArticle.objects.get(article=flood, rank=1).reasons) == (
        "disematkan redaktur"
    )


def test_publishing_refreshes_the_article_and_its_neighbours_after_commit(
    tags, django_capture_on_commit_callbacks
):
    """A new follow-up gets its block and joins its neighbour's, once the publish commits."""
    flood = story(FLOOD, days_ago=10, tagged=flood_tags(tags))
    story(FOOTBALL, days_ago=9)
    engine.recompute_all()
    follow_up = story(FLOOD_FOLLOW_UP, state="approved", tagged=flood_tags(tags))
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.apply_transition(follow_up, "publish", editor())
    assert follow_up.pk not in stored_block(flood)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert stored_block(flood)[0] == follow_up.pk
    assert stored_block(follow_up)[0] == flood.pk


def test_unpublishing_removes_the_story_from_other_blocks(tags, django_capture_on_commit_callbacks):
    """After an unpublish commits, no stored block lists the story and it has none itself."""
    flood = story(FLOOD, days_ago=10, tagged=flood_tags(tags))
    follow_up = story(FLOOD_FOLLOW_UP, days_ago=5, tagged=flood_tags(tags))
    engine.recompute_all()
    assert follow_up.pk in stored_block(flood)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply_transition(follow_up, "unpublish", editor(), comment="Data keliru.")
    assert not RelatedArticle.objects.filter(related=follow_up).exists()
    assert not RelatedArticle.objects.filter(article=follow_up).exists()


def test_tag_change_refreshes_after_commit(tags, django_capture_on_commit_callbacks):
    """Tagging a story with the same official makes it related, once the change commits."""
    flood = story(FLOOD, days_ago=10, tagged=flood_tags(tags))
    budget = story(BUDGET, days_ago=9)
    engine.recompute_all()
    before = RelatedArticle.objects.get(article=budget, related=flood).score
    with django_capture_on_commit_callbacks(execute=True):
        budget.officials.add(tags["official"])
        engine.refresh_after_change(budget)
    link = RelatedArticle.objects.get(article=budget, related=flood)
    assert link.score > before
    assert {"kind": "official", "name": "Bagus Susetyo"} in link.reasons


def test_one_articles_block_takes_no_more_queries_in_a_larger_archive(tags):
    """Candidates come from the index in a bounded number of queries, never one per article.

    (Fewer, if anything: a tag that became common no longer looks for candidates.)
    """

    def queries_for(article):
        cache.clear()  # Counts of articles and tags are cached: count them every time.
        with CaptureQueriesContext(connection) as queries:
            engine.compute(article.pk)
        return len(queries)

    flood = story(FLOOD, days_ago=10, tagged=flood_tags(tags))
    story(FLOOD_FOLLOW_UP, days_ago=5, tagged=flood_tags(tags))
    engine.recompute_all()
    small = queries_for(flood)
    for days in range(1, 6):
        story(flood_day(days), days, tagged=flood_tags(tags))
        story({**BUDGET, "title": f"APBD dibahas, hari ke-{days}"}, days, tagged=[tags["city"]])
    engine.recompute_all()
    assert len(engine.compute(flood.pk)) == 5
    assert queries_for(flood) <= small


def test_missing_block_is_computed_on_demand(tags):
    """An article never computed (e.g. imported) gets its block when first read."""
    flood = story(FLOOD, days_ago=10, tagged=flood_tags(tags))
    follow_up = story(FLOOD_FOLLOW_UP, days_ago=5, tagged=flood_tags(tags))
    engine.recompute_all()
    Article.objects.filter(pk=flood.pk).update(related_computed_at=None)
    RelatedArticle.objects.filter(article=flood).delete()
    flood.refresh_from_db()
    assert [a.pk for a in engine.related_articles_for(flood)] == [follow_up.pk]
    assert stored_block(flood) == [follow_up.pk]


def test_stored_block_is_read_in_one_query(tags, django_assert_num_queries):
    """The page's read is one query, with section and photo, however many stories."""
    flood = story(FLOOD, days_ago=10, tagged=flood_tags(tags))
    for days in range(1, 6):
        story(flood_day(days), days, tagged=[tags["topic"]])
    engine.recompute_all()
    flood.refresh_from_db()
    with django_assert_num_queries(1):
        related = engine.related_articles_for(flood)
        [(a.section.name, a.featured_image_id) for a in related]
    assert [a.related_rank for a in related] == list(range(1, len(related) + 1))


def test_article_page_queries_do_not_grow_with_related_stories(client, tags):
    """An article page makes as many queries with five related stories as with one."""

    def page_queries(article):
        article.refresh_from_db()
        cache.clear()  # The public page cache would answer without a query.
        with CaptureQueriesContext(connection) as queries:
            response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        return len(queries)

    flood = story(FLOOD, days_ago=10, tagged=flood_tags(tags))
    story(FLOOD_FOLLOW_UP, days_ago=5, tagged=flood_tags(tags))
    lonely = story(FOOTBALL, days_ago=10)
    story({**FOOTBALL, "title": "Persiba menang lagi"}, days_ago=8)
    for days in range(1, 5):
        story(flood_day(days), days, tagged=[tags["topic"]])
    engine.recompute_all()
    assert len(stored_block(flood)) == 5
    assert len(stored_block(lonely)) >= 1
    response = client.get(flood.get_absolute_url())
    assert FLOOD_FOLLOW_UP["title"] in response.content.decode()
    assert page_queries(flood) == page_queries(lonely)


def test_recompute_related_command_fills_every_public_block(tags):
    """The command computes a block for every public article and none for drafts."""
    flood = story(FLOOD, days_ago=10, tagged=flood_tags(tags))
    follow_up = story(FLOOD_FOLLOW_UP, days_ago=5, tagged=flood_tags(tags))
    draft = story(FOOTBALL, state="draft")
    call_command("recompute_related", verbosity=0)
    assert stored_block(flood) == [follow_up.pk]
    assert stored_block(follow_up) == [flood.pk]
    assert Article.objects.get(pk=draft.pk).related_computed_at is None


def test_worker_processes_store_the_same_blocks(tags, monkeypatch):
    """Sharing the batch among forked workers changes nothing in what is stored."""
    articles = [story(FLOOD, days_ago=10, tagged=flood_tags(tags)), story(BUDGET, days_ago=3)]
    articles += [story(flood_day(days), days, tagged=[tags["topic"]]) for days in range(1, 6)]
    engine.recompute_all()
    alone = {article.pk: stored_block(article) for article in articles}
    monkeypatch.setattr(engine, "WORKER_CHUNK", 2)
    RelatedArticle.objects.all().delete()
    assert engine.recompute_all(workers=2) == len(articles)
    assert {article.pk: stored_block(article) for article in articles} == alone
    assert set(alone[articles[0].pk]) == {article.pk for article in articles[2:]}


class TestInlineLink:
    """The optional "Baca juga" link between the body's paragraphs."""

    def test_link_goes_after_the_second_paragraph_escaped(self, tags):
        """The link sits between paragraphs two and three; the title is escaped."""
        flood = story(FLOOD, days_ago=10)
        related = story({**FLOOD_FOLLOW_UP, "title": "Banjir <b>surut</b>"}, days_ago=5)
        body = str(insert_inline_related(flood.body, flood, related))
        paragraphs = body.split("</p>")
        assert "Baca juga:" in paragraphs[2]
        assert related.get_absolute_url() in paragraphs[2]
        assert "Banjir &lt;b&gt;surut&lt;/b&gt;" in body

    def test_link_is_left_out_when_turned_off_or_body_too_short(self, tags, settings):
        """Per article, per site, or a body of two paragraphs: the body stays as it is."""
        flood = story(FLOOD, days_ago=10)
        related = story(FLOOD_FOLLOW_UP, days_ago=5)
        short = story(FLOOD_FOLLOW_UP, days_ago=5)
        assert str(insert_inline_related(short.body, short, related)) == short.body
        flood.inline_related = False
        assert str(insert_inline_related(flood.body, flood, related)) == flood.body
        flood.inline_related = True
        settings.NEWSROOM_INLINE_RELATED = False
        assert str(insert_inline_related(flood.body, flood, related)) == flood.body


def test_admin_shows_reasons_pins_and_exclusions(client, tags):
    """Editors see each chosen story with its reasons, and can pin or exclude stories."""
    flood = story(FLOOD, days_ago=10, tagged=flood_tags(tags))
    story(FLOOD_FOLLOW_UP, days_ago=5, tagged=flood_tags(tags))
    story(FOOTBALL, days_ago=9)
    engine.recompute_all()
    client.force_login(editor())
    page = client.get(f"/admin/articles/article/{flood.pk}/change/").content.decode()
    assert "Sama-sama menyebut Bagus Susetyo · Balikpapan Selatan · topik banjir" in page
    assert FLOOD_FOLLOW_UP["title"] in page
    assert "related_pins-TOTAL_FORMS" in page
    assert "related_exclusions-TOTAL_FORMS" in page
