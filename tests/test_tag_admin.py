"""Tags in the admin: the article form's tag fields, who may create tags, suggestions,
merging, usage counts and stable slugs. Requests are real admin requests, including
crafted POSTs that bypass what the widgets offer."""

import pytest
from django.urls import NoReverseMatch, reverse

from articles.models import Article, Official, Region, TagRedirect, Topic
from articles.roles import EDITOR, EDITOR_IN_CHIEF, REPORTER
from tests.factories import (
    ArticleFactory,
    OfficialFactory,
    RegionFactory,
    TopicFactory,
    UserFactory,
    role_user,
)

ADD_ARTICLE = "admin:articles_article_add"
NEW_NAMES = {"regions": "Ibu Kota Nusantara", "officials": "Anton Firmanto", "topics": "banjir rob"}
MODELS = {"regions": Region, "officials": Official, "topics": Topic}


@pytest.fixture
def tags(db):
    """One existing tag of each kind."""
    return {
        "regions": RegionFactory(
            name="Balikpapan", slug="balikpapan", official_name="Kota Balikpapan"
        ),
        "officials": OfficialFactory(name="Bagus Susetyo", aliases="Wawali Balikpapan"),
        "topics": TopicFactory(name="anggaran", slug="anggaran"),
    }


def login(client, role):
    user = role_user(role)
    client.force_login(user)
    return user


def post_article(client, **tag_values):
    """A crafted POST to the article add form: a title and the given tag field values."""
    return client.post(reverse(ADD_ARTICLE), {"title": "Banjir rob di pesisir", **tag_values})


# The article form


def test_article_form_offers_autocompletes_with_suggestions(client, tags):
    """All three kinds are admin autocompletes; regions and officials ask for suggestions."""
    login(client, REPORTER)

    response = client.get(reverse(ADD_ARTICLE))

    form = response.context["adminform"].form
    for name in ("regions", "officials", "topics"):
        assert "admin-autocomplete" in form[name].as_widget()
    assert (
        form.fields["regions"].widget.attrs["data-suggest-url"] == "/admin/articles/region/suggest/"
    )
    assert "data-suggest-url" not in form.fields["topics"].widget.attrs
    assert "/static/admin/js/tag_suggestions.js" in response.content.decode()


def test_autocomplete_lists_existing_tags_to_reporters(client, tags):
    """Typing "Balik" in the regions field finds Balikpapan."""
    login(client, REPORTER)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "regions",
            "term": "Balik",
        },
    )

    assert response.json()["results"] == [{"id": str(tags["regions"].pk), "text": "Balikpapan"}]


def test_only_people_who_may_create_a_kind_can_type_new_names(client, tags):
    """The widget lets a reporter type new topics, not new regions or officials."""
    login(client, REPORTER)

    form = client.get(reverse(ADD_ARTICLE)).context["adminform"].form

    assert form.fields["topics"].widget.attrs["data-tags"] == "true"
    assert form.fields["regions"].widget.attrs["data-tags"] == "false"
    assert form.fields["officials"].widget.attrs["data-tags"] == "false"


@pytest.mark.parametrize(
    ("role", "field", "allowed"),
    [
        (REPORTER, "regions", False),
        (REPORTER, "officials", False),
        (REPORTER, "topics", True),
        (EDITOR, "regions", False),
        (EDITOR, "officials", True),
        (EDITOR, "topics", True),
        (EDITOR_IN_CHIEF, "regions", True),
        (EDITOR_IN_CHIEF, "officials", True),
        (EDITOR_IN_CHIEF, "topics", True),
    ],
    ids=lambda value: str(value),
)
def test_creating_tags_from_the_article_form_needs_the_add_permission(
    client, tags, role, field, allowed
):
    """A crafted POST with a new name creates the tag only for who may add that kind."""
    login(client, role)
    model = MODELS[field]

    response = post_article(client, **{field: [str(tags[field].pk), NEW_NAMES[field]]})

    created = model.objects.filter(name=NEW_NAMES[field]).first()
    if allowed:
        assert response.status_code == 302
        article = Article.objects.get()
        assert set(getattr(article, field).all()) == {tags[field], created}
    else:
        assert response.status_code == 200
        assert "Anda tidak boleh menambah nama baru di sini" in response.content.decode()
        assert created is None
        assert not Article.objects.exists()


def test_a_typed_name_of_an_existing_tag_is_that_tag(client, tags):
    """Typed "kota balikpapan", "Wawali Balikpapan", "Anggaran": no new tag, no refusal."""
    login(client, REPORTER)

    response = post_article(
        client, regions=["kota balikpapan"], officials=["Wawali Balikpapan"], topics=["Anggaran"]
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert list(article.regions.all()) == [tags["regions"]]
    assert list(article.officials.all()) == [tags["officials"]]
    assert list(article.topics.all()) == [tags["topics"]]
    assert Region.objects.count() == Official.objects.count() == Topic.objects.count() == 1


def test_an_unknown_id_is_refused_not_taken_for_a_name(client, tags):
    """A crafted id that matches no tag is an error, even for who may create tags."""
    login(client, EDITOR_IN_CHIEF)

    response = post_article(client, regions=["999999"])

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["regions"]
    assert not Region.objects.filter(name="999999").exists()


def test_a_refused_form_keeps_the_names_typed(client, tags):
    """After a refusal the new topic typed stays in the field: nothing typed is lost."""
    login(client, REPORTER)

    response = post_article(client, regions=["Negeri Antah"], topics=["banjir rob"])

    html = response.content.decode()
    assert '<option value="banjir rob" selected>banjir rob</option>' in html
    assert not Topic.objects.filter(name="banjir rob").exists()


# Suggestions


def suggest(client, kind, **text):
    return client.post(reverse(f"admin:articles_{kind}_suggest"), text)


def test_suggestions_endpoint_answers_each_kind(client, tags):
    """Regions and officials named in the draft, in the autocomplete's JSON format."""
    login(client, REPORTER)
    text = {"title": "Wawali tinjau banjir", "body": "<p>BALIKPAPAN – Bagus Susetyo hadir.</p>"}

    regions = suggest(client, "region", **text).json()["results"]
    officials = suggest(client, "official", **text).json()["results"]

    assert regions == [{"id": tags["regions"].pk, "text": "Balikpapan"}]
    assert officials == [{"id": tags["officials"].pk, "text": "Bagus Susetyo"}]


def test_suggestions_are_for_logged_in_staff_by_post_only(client, tags):
    """Anonymous and non-staff visitors go to the login page; GET is not allowed."""
    url = reverse("admin:articles_region_suggest")
    assert client.post(url, {"title": "Balikpapan"}).status_code == 302
    client.force_login(UserFactory(is_staff=False))
    assert client.post(url, {"title": "Balikpapan"}).status_code == 302
    login(client, REPORTER)
    assert client.get(url, {"title": "Balikpapan"}).status_code == 405
    with pytest.raises(NoReverseMatch):
        reverse("admin:articles_topic_suggest")


def test_an_official_added_in_the_admin_is_suggested_at_once(
    client, tags, django_capture_on_commit_callbacks
):
    """Saving an official tells every process to rebuild its gazetteer."""
    login(client, EDITOR_IN_CHIEF)
    assert suggest(client, "official", title="Kapolresta Anton Firmanto").json()["results"] == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_official_add"),
            {
                "name": "Anton Firmanto",
                "slug": "anton-firmanto",
                "position": "Kapolresta Balikpapan",
                "positions-TOTAL_FORMS": "0",
                "positions-INITIAL_FORMS": "0",
            },
        )
    assert response.status_code == 302

    results = suggest(client, "official", title="Kapolresta Anton Firmanto").json()["results"]
    assert [result["text"] for result in results] == ["Anton Firmanto"]


# Tag management


def test_merging_tags_from_the_list_asks_which_stays_then_merges(client, tags):
    """The merge action shows both tags, then moves articles and leaves a redirect."""
    login(client, EDITOR_IN_CHIEF)
    duplicate = TopicFactory(name="APBD", slug="apbd")
    article = ArticleFactory()
    article.topics.add(duplicate)
    changelist = reverse("admin:articles_topic_changelist")
    selected = {"action": "merge_selected", "_selected_action": [tags["topics"].pk, duplicate.pk]}

    confirmation = client.post(changelist, selected)
    assert confirmation.status_code == 200
    assert {tag.pk for tag in confirmation.context["tags"]} == {tags["topics"].pk, duplicate.pk}

    response = client.post(changelist, {**selected, "target": tags["topics"].pk})

    assert response.status_code == 302
    assert list(article.topics.all()) == [tags["topics"]]
    assert TagRedirect.objects.get(kind="topic", old_slug="apbd").new_slug == "anggaran"


def test_reporters_cannot_merge_tags(client, tags):
    """Merging deletes a tag: a reporter's crafted action POST changes nothing."""
    login(client, REPORTER)
    duplicate = TopicFactory(name="APBD", slug="apbd")

    client.post(
        reverse("admin:articles_topic_changelist"),
        {
            "action": "merge_selected",
            "_selected_action": [tags["topics"].pk, duplicate.pk],
            "target": tags["topics"].pk,
        },
    )

    assert Topic.objects.filter(pk=duplicate.pk).exists()
    assert not TagRedirect.objects.exists()


def test_tag_list_shows_usage_and_finds_unused_tags(client, tags):
    """Each tag's article count is listed; the filter finds tags no article uses."""
    login(client, EDITOR_IN_CHIEF)
    ArticleFactory().topics.add(tags["topics"])
    unused = TopicFactory(name="tidak terpakai")
    changelist = reverse("admin:articles_topic_changelist")

    listed = client.get(changelist).context["cl"].result_list
    unused_only = client.get(changelist, {"usage": "unused"}).context["cl"].result_list

    assert {tag.name: tag.article_count for tag in listed} == {"anggaran": 1, "tidak terpakai": 0}
    assert list(unused_only) == [unused]


def test_renaming_a_tag_keeps_its_slug(client, tags):
    """The page address survives a rename, even when a crafted POST sends a new slug."""
    login(client, EDITOR_IN_CHIEF)
    region = tags["regions"]

    response = client.post(
        reverse("admin:articles_region_change", args=[region.pk]),
        {"name": "Kota Balikpapan", "slug": "kota-minyak", "kind": "city", "aliases": ""},
    )

    assert response.status_code == 302
    region.refresh_from_db()
    assert (region.name, region.slug) == ("Kota Balikpapan", "balikpapan")
