from django import template

from articles.recommendations.display import insert_inline_related

register = template.Library()


@register.filter
def with_inline_related(article, related_articles):
    """The article's body with a "Read also" link to its first related story.

    Usage: ``{{ article|with_inline_related:related_articles }}``.
    """
    return insert_inline_related(
        article.body, article, related_articles[0] if related_articles else None
    )
