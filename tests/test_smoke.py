from tests.factories import published_article


def test_published_article_is_public(db):
    article = published_article()

    assert article.status == "published"
    assert article.is_public
    assert list(type(article).objects.published()) == [article]
