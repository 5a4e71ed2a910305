"""Related stories ("Baca juga"): explainable recommendations stored for cheap page reads.

The public API: ``related_articles_for`` (the page's one query),
``refresh_after_change`` (the workflow's after-commit hook), ``recompute_all``
(the ``recompute_related`` command), ``reason_text`` (for staff) and
``insert_inline_related`` (the link between the body's paragraphs).
"""

from articles.recommendations.engine import (
    recompute_all,
    refresh_after_change,
    related_articles_for,
)

__all__ = ["recompute_all", "refresh_after_change", "related_articles_for"]
