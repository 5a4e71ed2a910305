"""Template tags for photos: ``{% load images %}``.

``{% picture image sizes="(min-width: 800px) 800px, 100vw" eager=False css_class="" %}``
renders ``templates/includes/_picture.html``: a ``<picture>`` with the WebP renditions as a
``<source>`` and an ``<img>`` over the JPEG renditions, with width and height (no layout shift),
the alt text, and ``loading="lazy"`` unless ``eager`` (then ``fetchpriority="high"``, for the
one photo above the fold). ``css_class`` goes on the ``<img>``. An image without renditions
falls back to its original file; ``None`` renders nothing.

``{% rendition_url image 1200 %}`` gives the URL of one JPEG rendition (Open Graph, feeds);
make it absolute with ``request.build_absolute_uri`` where a full URL is needed.
Neither tag runs a query or touches storage.
"""

from django import template

from articles import images

register = template.Library()

# The <img src> for browsers without srcset support: a size that suits most screens.
FALLBACK_WIDTH = 800


@register.inclusion_tag("includes/_picture.html")
def picture(image, sizes="100vw", eager=False, css_class=""):
    """Context for ``_picture.html``: see the module docstring."""
    if not image or not image.file:
        return {"image": None}
    fallback = images.rendition(image, FALLBACK_WIDTH)
    return {
        "image": image,
        "webp_srcset": images.srcset(image, "webp"),
        "jpeg_srcset": images.srcset(image, "jpeg"),
        "src": fallback["url"],
        "width": fallback["width"],
        "height": fallback["height"],
        "sizes": sizes,
        "eager": eager,
        "css_class": css_class,
    }


@register.simple_tag
def rendition_url(image, width=1200, image_format="jpeg"):
    """URL of ``image``'s rendition closest to ``width`` (see ``articles.images.rendition``)."""
    return images.rendition_url(image, width, image_format)
