"""The newsroom's roles: Django groups and the model permissions each one holds.

Code never asks which group a user is in; it asks for a permission
(``user.has_perm("articles.review_article")``). The groups only bundle those
permissions so an administrator can give someone a role in one click. A data
migration creates them; ``sync_roles`` is idempotent, so running it again (a
later migration, the demo loader, a test after a database flush) only adds
what is missing.
"""

from django.apps import apps as global_apps

REPORTER = "Jurnalis"
EDITOR = "Redaktur"
EDITOR_IN_CHIEF = "Pemimpin Redaksi"

_REPORTER_PERMISSIONS = [
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.view_section",
    "articles.view_region",
    "articles.view_official",
    "articles.view_topic",
    "articles.add_topic",
    "articles.view_image",
    "articles.add_image",
    "articles.change_image",
    "articles.view_editorialcomment",
    "articles.add_editorialcomment",
    "articles.view_correction",
    # The byline field is an autocomplete over users, which Django only serves
    # to people allowed to view users.
    "auth.view_user",
]
_EDITOR_PERMISSIONS = [
    *_REPORTER_PERMISSIONS,
    "articles.edit_any_article",
    "articles.review_article",
    "articles.publish_article",
    "articles.add_correction",
    "articles.add_official",
    "articles.change_official",
    "articles.change_topic",
]
_EDITOR_IN_CHIEF_PERMISSIONS = [
    *_EDITOR_PERMISSIONS,
    "articles.retract_article",
    "articles.approve_sensitive_article",
    "articles.delete_article",
    "articles.add_section",
    "articles.change_section",
    "articles.delete_section",
    "articles.add_region",
    "articles.change_region",
    "articles.delete_region",
    "articles.delete_official",
    "articles.delete_topic",
]

ROLES = {
    REPORTER: _REPORTER_PERMISSIONS,
    EDITOR: _EDITOR_PERMISSIONS,
    EDITOR_IN_CHIEF: _EDITOR_IN_CHIEF_PERMISSIONS,
}


def sync_roles(apps=global_apps):
    """Create the role groups and give each its permissions; never removes anything.

    ``apps`` is the app registry: a migration passes its historical one.
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    # "articles.add_correction" is both Article's custom permission and Correction's
    # default one; has_perm() accepts either, so a role gets both.
    known = {}
    for permission in permission_model.objects.select_related("content_type"):
        key = f"{permission.content_type.app_label}.{permission.codename}"
        known.setdefault(key, []).append(permission)
    for group_name, permission_names in ROLES.items():
        missing = [name for name in permission_names if name not in known]
        if missing:
            raise LookupError(f"Permissions missing for {group_name}: {', '.join(missing)}")
        group, _ = group_model.objects.get_or_create(name=group_name)
        group.permissions.add(*(p for name in permission_names for p in known[name]))
