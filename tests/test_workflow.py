"""The editorial workflow: the transition table, its inputs, the checklist and who sees what."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleTransition, Image
from articles.roles import EDITOR, EDITOR_IN_CHIEF, REPORTER, ROLES
from tests.factories import (
    ArticleFactory,
    UserFactory,
    article_in_state,
    publishable_article,
    role_user,
)

# The actors of the truth table: the reporter who owns the story, another
# reporter, an editor and the editor-in-chief.
OWNER, OTHER_REPORTER, EDITOR_ROLE, CHIEF = "owner", "other-reporter", "editor", "chief"
WRITERS = {OWNER, EDITOR_ROLE, CHIEF}
EDITORS = {EDITOR_ROLE, CHIEF}

# States to start from: the article's status, plus a scheduled article whose
# time has come (public without any job having run).
STATES = [
    "draft",
    "in_review",
    "changes_requested",
    "approved",
    "scheduled",
    "scheduled_live",
    "published",
    "unpublished",
    "retracted",
    "archived",
]

# Written out by hand, not derived from workflow.TRANSITIONS: the table under test.
# transition -> {starting state: roles allowed}; any other pair is refused.
ALLOWED = {
    "submit": {"draft": WRITERS, "changes_requested": WRITERS},
    "withdraw": {"in_review": WRITERS},
    "request_changes": {"in_review": EDITORS, "approved": EDITORS},
    "approve": {"in_review": EDITORS},
    "schedule": {"approved": EDITORS},
    "unschedule": {"scheduled": EDITORS},
    "publish": {
        "approved": EDITORS,
        "scheduled": EDITORS,
        "scheduled_live": EDITORS,
        "unpublished": EDITORS,
    },
    "unpublish": {"scheduled": EDITORS, "scheduled_live": EDITORS, "published": EDITORS},
    "reopen": {"unpublished": EDITORS},
    "retract": {"scheduled_live": {CHIEF}, "published": {CHIEF}, "unpublished": {CHIEF}},
    "archive": {"draft": {CHIEF}, "changes_requested": {CHIEF}, "unpublished": {CHIEF}},
}
TARGETS = {
    "submit": "in_review",
    "withdraw": "draft",
    "request_changes": "changes_requested",
    "approve": "approved",
    "schedule": "scheduled",
    "unschedule": "approved",
    "publish": "published",
    "unpublish": "unpublished",
    "reopen": "draft",
    "retract": "retracted",
    "archive": "archived",
}
ROLE_GROUPS = {
    OWNER: REPORTER,
    OTHER_REPORTER: REPORTER,
    EDITOR_ROLE: EDITOR,
    CHIEF: EDITOR_IN_CHIEF,
}


def _truth_table():
    for state in STATES:
        for role in ROLE_GROUPS:
            for name in ALLOWED:
                allowed = role in ALLOWED[name].get(state, set())
                outcome = "allowed" if allowed else "refused"
                yield pytest.param(
                    state, role, name, allowed, id=f"{state}-{role}-{name}-{outcome}"
                )


def owned_article_in_state(state, owner):
    """An article the ``owner`` reporter wrote, taken to ``state`` by the workflow."""
    workflow_state = "scheduled" if state == "scheduled_live" else state
    article = article_in_state(workflow_state, created_by=owner)
    article.reporters.add(owner)
    if state == "scheduled_live":
        # The clock moves past the scheduled time; nothing else happens.
        Article.objects.filter(pk=article.pk).update(
            published_at=timezone.now() - timedelta(minutes=5)
        )
        article.refresh_from_db()
    return article


def test_the_truth_table_covers_every_transition():
    """A transition added to the workflow must be added to the truth table too."""
    assert set(workflow.TRANSITIONS) == set(ALLOWED) == set(TARGETS)


@pytest.mark.parametrize(("state", "role", "name", "allowed"), list(_truth_table()))
def test_transition_truth_table(db, state, role, name, allowed):
    """Allowed transitions change the state and write one audit row; refused ones change nothing."""
    owner = role_user(REPORTER, username="jurnalis-pemilik")
    actor = owner if role == OWNER else role_user(ROLE_GROUPS[role], username=f"uji-{role}")
    article = owned_article_in_state(state, owner)
    before = Article.objects.values().get(pk=article.pk)
    audit_rows = ArticleTransition.objects.filter(article=article).count()

    if allowed:
        result = workflow.apply_transition(
            article,
            name,
            actor,
            comment="Alasan dari redaksi.",
            publish_at=timezone.now() + timedelta(hours=3),
        )
        assert result.status == TARGETS[name]
        assert Article.objects.get(pk=article.pk).status == TARGETS[name]
        rows = ArticleTransition.objects.filter(article=article)
        assert rows.count() == audit_rows + 1
        row = rows.last()
        assert (row.name, row.from_status, row.to_status, row.actor) == (
            name,
            before["status"],
            TARGETS[name],
            actor,
        )
    else:
        with pytest.raises(workflow.TransitionError):
            workflow.apply_transition(
                article,
                name,
                actor,
                comment="Alasan dari redaksi.",
                publish_at=timezone.now() + timedelta(hours=3),
            )
        assert Article.objects.values().get(pk=article.pk) == before
        assert ArticleTransition.objects.filter(article=article).count() == audit_rows


@pytest.mark.parametrize(
    ("state", "name", "comment"),
    [
        pytest.param("in_review", "request_changes", "", id="send-back-without-comment"),
        pytest.param("in_review", "request_changes", "   ", id="send-back-with-blank-comment"),
        pytest.param("published", "unpublish", "", id="unpublish-without-reason"),
        pytest.param("published", "retract", "", id="retract-without-reason"),
    ],
)
def test_transitions_needing_a_comment_refuse_without_one(db, state, name, comment):
    """Sending back, unpublishing and retracting need a written reason, or nothing moves."""
    chief = role_user(EDITOR_IN_CHIEF)
    article = article_in_state(state)

    with pytest.raises(workflow.TransitionError) as refusal:
        workflow.apply_transition(article, name, chief, comment=comment)

    assert "komentar" in str(refusal.value)
    assert Article.objects.get(pk=article.pk).status == state


def test_retraction_keeps_its_reason_for_the_public_page(db):
    """The reason typed when retracting is stored on the article (the 410 page shows it)."""
    chief = role_user(EDITOR_IN_CHIEF)
    article = article_in_state("published")

    article = workflow.apply_transition(
        article, "retract", chief, comment="Narasumber membantah kutipan."
    )

    assert article.status == Article.Status.RETRACTED
    assert article.retraction_reason == "Narasumber membantah kutipan."


def test_a_never_public_scheduled_article_cannot_be_retracted(db):
    """Retraction is for what readers saw; a story still waiting for its time is unscheduled."""
    chief = role_user(EDITOR_IN_CHIEF)
    article = article_in_state("scheduled")

    with pytest.raises(workflow.TransitionError):
        workflow.apply_transition(article, "retract", chief, comment="Salah.")

    assert Article.objects.get(pk=article.pk).status == Article.Status.SCHEDULED


@pytest.mark.parametrize(
    "publish_at",
    [
        pytest.param(None, id="no-time"),
        pytest.param(timedelta(minutes=-1), id="time-in-the-past"),
    ],
)
def test_scheduling_needs_a_time_in_the_future(db, publish_at):
    """A schedule without a time, or with a time already past, is refused."""
    editor = role_user(EDITOR)
    article = article_in_state("approved")
    when = None if publish_at is None else timezone.now() + publish_at

    with pytest.raises(workflow.TransitionError, match="masa depan"):
        workflow.apply_transition(article, "schedule", editor, publish_at=when)

    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.APPROVED, None)


def test_a_scheduled_article_becomes_public_at_its_time_without_a_job(db):
    """Before its time the public query leaves it out; from its time on it is in."""
    due = timezone.now() + timedelta(hours=2)
    article = article_in_state("scheduled", publish_at=due)

    assert article not in Article.objects.published(now=due - timedelta(minutes=1))
    assert article in Article.objects.published(now=due)
    assert article in Article.objects.published(now=due + timedelta(days=1))


def test_unscheduling_forgets_the_planned_time(db):
    """Back to approved, the article has no publish time until it is scheduled again."""
    editor = role_user(EDITOR)
    article = article_in_state("scheduled")

    article = workflow.apply_transition(article, "unschedule", editor)

    assert (article.status, article.published_at) == (Article.Status.APPROVED, None)


def test_publish_now_on_a_scheduled_article_moves_its_time_to_now(db):
    """ "Publish now" makes a story public at once, not at its planned time."""
    editor = role_user(EDITOR)
    article = article_in_state("scheduled", publish_at=timezone.now() + timedelta(days=2))

    article = workflow.apply_transition(article, "publish", editor)

    assert article.published_at <= timezone.now()
    assert article in Article.objects.published()


def test_republishing_keeps_the_first_publication_time(db):
    """An article unpublished and published again keeps the time readers first saw it."""
    editor = role_user(EDITOR)
    article = article_in_state("unpublished")
    first_published = article.published_at

    article = workflow.apply_transition(article, "publish", editor)

    assert article.published_at == first_published


def test_an_unknown_transition_is_refused(db):
    """A made-up action name is refused with a message, not a crash."""
    with pytest.raises(workflow.TransitionError):
        workflow.apply_transition(article_in_state("draft"), "teleport", role_user(EDITOR))


def test_refusals_are_explained_in_indonesian(db):
    """The message a refused user reads names the action and the state in Indonesian."""
    reporter = role_user(REPORTER)
    article = article_in_state("in_review", created_by=reporter)

    with pytest.raises(workflow.TransitionError) as refusal:
        workflow.apply_transition(article, "approve", reporter)

    assert str(refusal.value) == "Anda tidak boleh melakukan “Setujui” pada berita ini."


# The checklist -------------------------------------------------------------


def _without_credit(article):
    Image.objects.filter(pk=article.featured_image_id).update(credit="")


@pytest.mark.parametrize(
    ("code", "spoil"),
    [
        pytest.param("lead", lambda a: Article.objects.filter(pk=a.pk).update(lead=""), id="lead"),
        pytest.param(
            "featured_image",
            lambda a: Article.objects.filter(pk=a.pk).update(featured_image=None),
            id="featured-image",
        ),
        pytest.param("image_credit", _without_credit, id="image-credit"),
        pytest.param("region", lambda a: a.regions.clear(), id="region"),
        pytest.param(
            "section", lambda a: Article.objects.filter(pk=a.pk).update(section=None), id="section"
        ),
        pytest.param(
            "sensitive_questions",
            lambda a: Article.objects.filter(pk=a.pk).update(identifies_child=None),
            id="sensitive-questions",
        ),
    ],
)
@pytest.mark.parametrize("name", ["approve", "publish", "schedule"])
def test_the_checklist_blocks_approval_and_publication(db, code, spoil, name):
    """Each unmet checklist item is named, and stops approve, schedule and publish."""
    editor = role_user(EDITOR)
    article = article_in_state("in_review" if name == "approve" else "approved")
    spoil(article)
    article.refresh_from_db()
    status = article.status

    assert [failure.code for failure in workflow.checklist_failures(article)] == [code]
    with pytest.raises(workflow.TransitionError, match="Daftar periksa"):
        workflow.apply_transition(
            article, name, editor, publish_at=timezone.now() + timedelta(hours=1)
        )
    assert Article.objects.get(pk=article.pk).status == status


def test_an_image_without_alt_text_fails_the_checklist():
    """Alt text is checked even for a photo that somehow has none (blind readers need it)."""
    article = ArticleFactory.build(featured_image=Image(alt_text="", credit="Newsroom"))

    codes = {failure.code for failure in workflow.checklist_failures(article, regions=["x"])}

    assert "image_alt_text" in codes


def test_a_complete_article_passes_the_checklist(db):
    """A publishable article has nothing left on the checklist."""
    assert workflow.checklist_failures(publishable_article(), role_user(EDITOR)) == []


@pytest.mark.parametrize("answer", ["identifies_child", "identifies_sexual_violence_victim"])
def test_a_sensitive_story_needs_the_editor_in_chief(db, answer):
    """A "yes" to a Dewan Pers question: an editor may not approve, the editor-in-chief may."""
    editor, chief = role_user(EDITOR), role_user(EDITOR_IN_CHIEF)
    article = article_in_state("draft")
    Article.objects.filter(pk=article.pk).update(**{answer: True})
    article = workflow.apply_transition(article, "submit", chief)

    with pytest.raises(workflow.TransitionError, match="pemimpin redaksi"):
        workflow.apply_transition(article, "approve", editor)
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW

    article = workflow.apply_transition(article, "approve", chief)
    assert article.status == Article.Status.APPROVED


# Roles are permissions ------------------------------------------------------


def test_the_roles_hold_the_designed_permissions(db):
    """Reporters write, editors review and publish, the editor-in-chief also retracts."""
    reporter, editor, chief = (role_user(r) for r in (REPORTER, EDITOR, EDITOR_IN_CHIEF))

    assert reporter.has_perm("articles.add_article")
    assert not reporter.has_perm("articles.review_article")
    assert not reporter.has_perm("articles.publish_article")
    assert editor.has_perm("articles.review_article")
    assert editor.has_perm("articles.publish_article")
    assert editor.has_perm("articles.add_correction")
    assert not editor.has_perm("articles.retract_article")
    assert not editor.has_perm("articles.change_section")
    assert chief.has_perm("articles.retract_article")
    assert chief.has_perm("articles.approve_sensitive_article")
    assert chief.has_perm("articles.change_region")


def test_the_data_migration_creates_the_roles(db):
    """Migrating creates the three groups with their permissions, on a database without them."""
    Group.objects.filter(name__in=ROLES).delete()
    loader = MigrationLoader(connection)
    [(key, operation)] = [
        (key, operation)
        for key, migration in loader.disk_migrations.items()
        if key[0] == "articles"
        for operation in migration.operations
        if getattr(getattr(operation, "code", None), "__name__", "") == "create_roles"
    ]

    operation.code(loader.project_state(key).apps, None)

    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name=EDITOR))
    assert editor.has_perm("articles.publish_article")
    assert not editor.has_perm("articles.retract_article")


def test_rules_follow_permissions_not_group_names(db):
    """A differently named group with the review permission may approve: names don't matter."""
    night_desk = Group.objects.create(name="Desk Malam")
    night_desk.permissions.add(
        *Permission.objects.filter(codename__in=["review_article", "view_article"])
    )
    user = UserFactory()
    user.groups.add(night_desk)

    article = workflow.apply_transition(article_in_state("in_review"), "approve", user)

    assert article.status == Article.Status.APPROVED


def test_a_user_without_staff_status_is_refused(db):
    """An editor's permissions do nothing once their staff status is taken away."""
    editor = role_user(EDITOR, is_staff=False)

    with pytest.raises(workflow.TransitionError):
        workflow.apply_transition(article_in_state("in_review"), "approve", editor)


# Who sees and edits what ----------------------------------------------------


@pytest.mark.parametrize(
    ("state", "role", "expected"),
    [
        ("draft", OWNER, True),
        ("changes_requested", OWNER, True),
        ("in_review", OWNER, False),
        ("published", OWNER, False),
        ("draft", OTHER_REPORTER, False),
        ("in_review", EDITOR_ROLE, True),
        ("published", EDITOR_ROLE, True),
        ("unpublished", EDITOR_ROLE, True),
        ("retracted", CHIEF, False),
        ("archived", CHIEF, False),
    ],
    ids=lambda value: str(value),
)
def test_can_edit(db, state, role, expected):
    """Reporters edit their own drafts and sent-back stories; nobody edits the record."""
    owner = role_user(REPORTER, username="jurnalis-pemilik")
    actor = owner if role == OWNER else role_user(ROLE_GROUPS[role], username=f"uji-{role}")

    assert workflow.can_edit(actor, owned_article_in_state(state, owner)) is expected


@pytest.mark.parametrize(
    ("state", "role", "expected"),
    [
        ("draft", OWNER, True),
        ("draft", OTHER_REPORTER, False),
        ("in_review", OTHER_REPORTER, False),
        ("unpublished", OTHER_REPORTER, False),
        ("published", OTHER_REPORTER, True),
        ("draft", EDITOR_ROLE, True),
    ],
    ids=lambda value: str(value),
)
def test_can_view_and_visible_articles_agree(db, state, role, expected):
    """Reporters see their own stories and public ones; editors see all; both rules agree."""
    owner = role_user(REPORTER, username="jurnalis-pemilik")
    actor = owner if role == OWNER else role_user(ROLE_GROUPS[role], username=f"uji-{role}")
    article = owned_article_in_state(state, owner)

    assert workflow.can_view(actor, article) is expected
    assert (article in workflow.visible_articles(actor)) is expected


def test_only_never_public_stories_can_be_deleted(db):
    """The editor-in-chief may delete a spiked draft, never a story readers saw."""
    chief = role_user(EDITOR_IN_CHIEF)

    assert workflow.can_delete(chief, article_in_state("draft"))
    assert not workflow.can_delete(chief, article_in_state("archived"))
    assert not workflow.can_delete(role_user(EDITOR), article_in_state("draft"))


def test_available_transitions_are_what_the_user_may_do_now(db):
    """The buttons a reporter gets on their own draft, and an editor on a story in review."""
    reporter = role_user(REPORTER)
    draft = article_in_state("draft", created_by=reporter)
    in_review = article_in_state("in_review")

    assert [t.name for t in workflow.available_transitions(draft, reporter)] == ["submit"]
    assert [t.name for t in workflow.available_transitions(in_review, role_user(EDITOR))] == [
        "withdraw",
        "request_changes",
        "approve",
    ]


# Time in each state ---------------------------------------------------------


def test_time_in_states_adds_up_the_audit_trail():
    """Each state's time runs from entering it to leaving it; the current one runs to now."""
    start = timezone.now() - timedelta(hours=10)
    article = Article(created_at=start, status=Article.Status.IN_REVIEW)
    rows = [
        ArticleTransition(
            from_status="draft", to_status="in_review", created_at=start + timedelta(hours=2)
        ),
        ArticleTransition(
            from_status="in_review",
            to_status="changes_requested",
            created_at=start + timedelta(hours=3),
        ),
        ArticleTransition(
            from_status="changes_requested",
            to_status="in_review",
            created_at=start + timedelta(hours=7),
        ),
    ]

    durations = workflow.time_in_states(article, rows, now=start + timedelta(hours=10))

    assert durations == [
        (Article.Status.DRAFT, timedelta(hours=2)),
        (Article.Status.IN_REVIEW, timedelta(hours=4)),
        (Article.Status.CHANGES_REQUESTED, timedelta(hours=4)),
    ]


def test_a_published_article_through_the_factory_has_its_audit_trail(db):
    """Factories reach states through the workflow, so every state change is on record."""
    article = article_in_state("published")

    assert list(article.transitions.values_list("name", flat=True)) == [
        "submit",
        "approve",
        "publish",
    ]
