"""Photos: what uploads are refused, what is stripped before serving, and how pages show them."""

import io
import struct
import zipfile
import zlib
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageCms, PngImagePlugin

from articles import images
from articles.models import Image
from tests.factories import ImageFactory, UserFactory, jpeg_bytes

GPS_IFD = 0x8825
CAMERA_MAKE = 0x010F
ORIENTATION = 0x0112


def picture_bytes(image_format, size=(800, 600), mode="RGB", color=(30, 80, 140), **options):
    buffer = io.BytesIO()
    PILImage.new(mode, size, color).save(buffer, image_format, **options)
    return buffer.getvalue()


def noisy_jpeg_bytes(width=1000, height=750):
    """A photo with detail, which every JPEG re-encoding would change."""
    buffer = io.BytesIO()
    PILImage.effect_noise((width, height), 80).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def png_with_bad_checksum():
    content = bytearray(picture_bytes("PNG"))
    end = content.index(b"IEND")
    content[end - 5] ^= 0xFF  # the last byte of the pixel data's CRC, just before IEND
    return bytes(content)


def upload(content, name="foto.jpg"):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def png_bomb(side=20_000):
    """A real decompression bomb: about 50 KB on disk, side x side pixels once decoded."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + bytes(side // 8)  # filter byte, then one bit per pixel, all black
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def secret_exif(orientation=None):
    """EXIF as a phone writes it: the camera and where the photo was taken (a source's house)."""
    exif = PILImage.Exif()
    exif[CAMERA_MAKE] = "KameraSumberRahasia"
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (1.0, 16.0, 12.0), 3: "E", 4: (116.0, 51.0, 30.0)})
    if orientation:
        exif[ORIENTATION] = orientation
    return exif


def processed(content, name="foto.jpg", **fields):
    """An Image saved from ``content`` the way load_demo does it, then processed."""
    return images.process_image(ImageFactory(file=SimpleUploadedFile(name, content), **fields))


def stored_files(media_root):
    return sorted(
        str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()
    )


def served_names(image):
    return sorted([image.file.name, *(entry["name"] for entry in image.renditions)])


def open_stored(media_root, name):
    return PILImage.open(media_root / name)


# Upload checks


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"Ini bukan foto, hanya catatan liputan.", id="text"),
        pytest.param(b"<html><script>alert(1)</script></html>", id="html"),
        pytest.param(picture_bytes("GIF"), id="gif"),
        pytest.param(picture_bytes("BMP"), id="bmp"),
        pytest.param(picture_bytes("GIF") + b"<script>alert(1)</script>", id="gif-html-polyglot"),
        pytest.param(jpeg_bytes()[:400], id="truncated-jpeg"),
        pytest.param(png_with_bad_checksum(), id="png-bad-checksum"),
    ],
)
def test_anything_but_a_whole_jpeg_png_or_webp_is_refused(content):
    """Judged by content, not by the .jpg name: other formats and broken files are refused."""
    with pytest.raises(ValidationError) as refused:
        images.clean_upload(upload(content, "foto.jpg"))

    assert refused.value.code == "not_an_image"


@pytest.mark.parametrize(
    ("image_format", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")]
)
def test_jpeg_png_and_webp_are_accepted_under_their_real_extension(image_format, extension):
    """A PNG called foto.jpg is accepted and renamed foto.png, so nothing lies about its type."""
    cleaned = images.clean_upload(upload(picture_bytes(image_format), "foto.jpg"))

    assert cleaned.name == f"foto.{extension}"


def test_a_phone_multi_picture_jpeg_is_accepted_as_jpeg(db, media_root):
    """Many phones save MPO (a JPEG with a second picture inside): it is a JPEG to us."""
    buffer = io.BytesIO()
    main, preview = PILImage.new("RGB", (800, 600), "red"), PILImage.new("RGB", (800, 600), "blue")
    main.save(buffer, "MPO", save_all=True, append_images=[preview])

    cleaned = images.clean_upload(upload(buffer.getvalue()))
    image = processed(cleaned.read())

    assert cleaned.name == "foto.jpg"
    assert image.file.name.endswith(".jpg")
    with open_stored(media_root, image.file.name) as original:
        assert original.format == "JPEG"


def test_a_file_over_the_byte_limit_is_refused(settings):
    """NEWSROOM_IMAGE_MAX_BYTES is checked before Pillow reads anything."""
    settings.NEWSROOM_IMAGE_MAX_BYTES = 2_000
    content = jpeg_bytes(width=1200, height=900)
    assert len(content) > 2_000

    with pytest.raises(ValidationError) as refused:
        images.clean_upload(upload(content))

    assert refused.value.code == "file_too_large"


def test_a_decompression_bomb_is_refused_without_decoding_it():
    """A 50 KB PNG claiming 400 million pixels is refused with the pixel-limit error."""
    bomb = png_bomb()
    assert len(bomb) < 100_000

    with pytest.raises(ValidationError) as refused:
        images.clean_upload(upload(bomb, "foto.png"))

    assert refused.value.code == "too_many_pixels"


@pytest.mark.parametrize(
    "warnings_setting",
    [
        pytest.param("error", id="pillow-warning-as-error"),
        pytest.param(
            "ignore",
            id="pillow-warning-ignored",
            marks=pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning"),
        ),
    ],
)
def test_an_image_over_the_pixel_limit_is_refused(settings, warnings_setting):
    """Between the limit and twice it Pillow only warns; the limit holds either way."""
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 300_000

    with pytest.raises(ValidationError) as refused:
        images.clean_upload(upload(jpeg_bytes(width=800, height=600)))  # 480,000 pixels

    assert refused.value.code == "too_many_pixels"


def test_an_image_too_small_for_the_site_is_refused():
    """A side under NEWSROOM_IMAGE_MIN_SIDE would look blurred in any article."""
    with pytest.raises(ValidationError) as refused:
        images.clean_upload(upload(jpeg_bytes(width=150, height=400)))

    assert refused.value.code == "too_small"
    assert refused.value.params == {"width": 150, "height": 400, "min_side": 200}


# What is stored and served


def secret_metadata(image_format):
    """Save options carrying EXIF with GPS, XMP and an ICC profile, as ``image_format`` allows."""
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b"<x:xmpmeta>LokasiRahasiaXMP</x:xmpmeta>"
    if image_format == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_itxt("XML:com.adobe.xmp", xmp.decode())
        return {"exif": secret_exif(), "pnginfo": text, "icc_profile": srgb}
    return {"exif": secret_exif(), "xmp": xmp, "icc_profile": srgb}


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_exif_gps_xmp_and_icc_are_gone_from_everything_stored(
    db, media_root, django_capture_on_commit_callbacks, image_format
):
    """GPS can expose a source: neither the original nor any rendition keeps any metadata."""
    content = picture_bytes(image_format, size=(1600, 900), **secret_metadata(image_format))
    assert b"KameraSumberRahasia" in content

    with django_capture_on_commit_callbacks(execute=True):
        image = processed(content)

    assert stored_files(media_root) == served_names(image)  # the upload itself is deleted
    for name in served_names(image):
        data = (media_root / name).read_bytes()
        with PILImage.open(io.BytesIO(data)) as stored:
            assert not stored.getexif()
            assert not stored.getexif().get_ifd(GPS_IFD)
            assert not {"exif", "xmp", "icc_profile"} & set(stored.info)
        assert b"KameraSumberRahasia" not in data
        assert b"LokasiRahasiaXMP" not in data


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"<html><script>alert('sisipan')</script></html>", id="html"),
        pytest.param("zip", id="zip"),
    ],
)
def test_bytes_hidden_after_a_photo_are_not_served(
    db, media_root, django_capture_on_commit_callbacks, payload
):
    """A photo with HTML or a ZIP appended is accepted, but only its pixels are kept."""
    if payload == "zip":
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("x.html", "<script>alert('sisipan')</script>")
        payload = archive.getvalue()
    cleaned = images.clean_upload(upload(jpeg_bytes() + payload))

    with django_capture_on_commit_callbacks(execute=True):
        image = processed(cleaned.read())

    for name in stored_files(media_root):
        assert b"sisipan" not in (media_root / name).read_bytes()
    assert stored_files(media_root) == served_names(image)


def test_exif_orientation_is_applied(db, media_root):
    """A phone photo taken upright but stored sideways is served upright."""
    sideways = PILImage.new("RGB", (1000, 600), "blue")
    sideways.paste((255, 0, 0), (0, 0, 500, 600))  # the left half becomes the top
    buffer = io.BytesIO()
    sideways.save(buffer, "JPEG", exif=secret_exif(orientation=6))  # "turn 90° clockwise"

    image = processed(buffer.getvalue())

    assert (image.width, image.height) == (600, 1000)
    for name in served_names(image):
        with open_stored(media_root, name) as stored:
            width, height = stored.size
            assert height > width
            rgb = stored.convert("RGB")
            top = rgb.getpixel((width // 2, height // 8))
            bottom = rgb.getpixel((width // 2, height * 7 // 8))
            assert top[0] > 200 > top[2]
            assert bottom[2] > 200 > bottom[0]


@pytest.mark.parametrize(
    ("original", "widths"),
    [
        pytest.param((1600, 900), [480, 800, 1200], id="wide-photo"),
        pytest.param((1000, 750), [480, 800, 1000], id="narrower-than-1200"),
        pytest.param((300, 225), [300], id="smaller-than-every-width"),
    ],
)
def test_renditions_cover_each_width_in_webp_and_jpeg_without_upscaling(
    db, media_root, original, widths
):
    """Each configured width, capped at the original's, exists as WebP and JPEG."""
    image = processed(jpeg_bytes(width=original[0], height=original[1]))

    assert sorted((entry["width"], entry["format"]) for entry in image.renditions) == sorted(
        (width, image_format) for width in widths for image_format in ("jpeg", "webp")
    )
    for entry in image.renditions:
        assert entry["name"].startswith(f"renditions/{image.pk}/")
        assert entry["height"] == round(original[1] * entry["width"] / original[0])
        with open_stored(media_root, entry["name"]) as stored:
            assert stored.size == (entry["width"], entry["height"])
            assert stored.format == entry["format"].upper()


def test_processing_again_changes_nothing(db, media_root, django_capture_on_commit_callbacks):
    """load_demo may run twice: a processed image is left as it is, file for file."""
    with django_capture_on_commit_callbacks(execute=True):
        image = processed(noisy_jpeg_bytes())
    before = {name: (media_root / name).stat().st_mtime_ns for name in stored_files(media_root)}

    with django_capture_on_commit_callbacks(execute=True):
        images.process_image(Image.objects.get(pk=image.pk))

    reloaded = Image.objects.get(pk=image.pk)
    assert (reloaded.file.name, reloaded.renditions) == (image.file.name, image.renditions)
    after = {name: (media_root / name).stat().st_mtime_ns for name in stored_files(media_root)}
    assert after == before


def test_a_replaced_photo_gets_new_urls_and_its_old_files_are_deleted(
    db, media_root, django_capture_on_commit_callbacks
):
    """A photo blurred after publication must not live on in caches or on disk."""
    with django_capture_on_commit_callbacks(execute=True):
        image = processed(jpeg_bytes(color=(200, 40, 40)))
    old_files = set(stored_files(media_root))

    image.file = SimpleUploadedFile("diburamkan.jpg", jpeg_bytes(color=(90, 90, 90)))
    image.save()
    with django_capture_on_commit_callbacks(execute=True):
        images.process_image(image)

    assert stored_files(media_root) == served_names(image)
    assert not old_files & set(served_names(image))


def test_replaced_files_are_deleted_only_once_the_transaction_commits(
    db, media_root, django_capture_on_commit_callbacks
):
    """If the save is rolled back, the file the database still points to must still exist."""
    with django_capture_on_commit_callbacks() as callbacks:
        image = processed(jpeg_bytes())

    assert len(callbacks) == 1
    assert set(served_names(image)) < set(stored_files(media_root))  # the upload is still there


def test_a_transparent_png_stays_png_and_its_jpegs_are_flattened_on_white(db, media_root):
    """Infographics keep their transparency where the format allows it."""
    image = processed(
        picture_bytes("PNG", size=(900, 600), mode="RGBA", color=(0, 0, 0, 0)), name="grafis.png"
    )

    with open_stored(media_root, image.file.name) as original:
        assert (original.format, original.mode) == ("PNG", "RGBA")
        assert original.getpixel((10, 10))[3] == 0
    for entry in image.renditions:
        with open_stored(media_root, entry["name"]) as stored:
            if entry["format"] == "jpeg":
                assert stored.convert("RGB").getpixel((10, 10)) >= (250, 250, 250)
            else:
                assert stored.convert("RGBA").getpixel((10, 10))[3] == 0


def test_a_sixteen_bit_greyscale_png_keeps_its_tones(db, media_root):
    """Scanners save 16-bit greyscale; it must not come out white."""
    image = processed(
        picture_bytes("PNG", size=(400, 300), mode="I;16", color=32768), name="pindaian.png"
    )

    with open_stored(media_root, image.file.name) as original:
        assert original.convert("L").getpixel((10, 10)) == 128


# Templates


class TagCollector(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def render_picture(image, arguments=""):
    template = Template("{% load images %}{% picture image " + arguments + " %}")
    return template.render(Context({"image": image}))


def test_picture_offers_webp_and_jpeg_renditions_with_size_and_lazy_loading(
    db, django_assert_num_queries
):
    """srcset for both formats, sizes, width/height against layout shift, escaped alt, lazy."""
    image = processed(
        jpeg_bytes(width=1600, height=900), alt_text='Banjir "setinggi lutut" <b>di</b> Klandasan'
    )

    with django_assert_num_queries(0):
        html = render_picture(image, 'sizes="(min-width: 800px) 800px, 100vw"')

    [(_, picture), (_, source), (_, img)] = TagCollector(html).tags
    assert picture == {}
    url = f"/media/renditions/{image.pk}/"
    digest = image.file.name.rsplit("/", 1)[1].split(".")[0]
    assert source == {
        "type": "image/webp",
        "srcset": f"{url}{digest}-480.webp 480w, {url}{digest}-800.webp 800w, "
        f"{url}{digest}-1200.webp 1200w",
        "sizes": "(min-width: 800px) 800px, 100vw",
    }
    assert img == {
        "src": f"{url}{digest}-800.jpg",
        "srcset": f"{url}{digest}-480.jpg 480w, {url}{digest}-800.jpg 800w, "
        f"{url}{digest}-1200.jpg 1200w",
        "sizes": "(min-width: 800px) 800px, 100vw",
        "width": "800",
        "height": "450",
        "alt": 'Banjir "setinggi lutut" <b>di</b> Klandasan',
        "loading": "lazy",
        "decoding": "async",
    }
    assert "<b>" not in html


def test_an_eager_picture_is_fetched_first_and_not_lazily(db):
    """The photo above the fold (the headline's) is the page's largest paint: fetch it first."""
    image = processed(jpeg_bytes(width=1600, height=900))

    html = render_picture(image, 'eager=True css_class="foto-utama"')

    img = dict(TagCollector(html).tags)["img"]
    assert img["fetchpriority"] == "high"
    assert "loading" not in img
    assert img["class"] == "foto-utama"
    assert 'sizes="100vw"' in html


def test_a_picture_without_renditions_falls_back_to_the_original(db):
    """An image not processed yet still shows, from its own file."""
    image = ImageFactory()

    tags = TagCollector(render_picture(image)).tags

    assert [tag for tag, _ in tags] == ["picture", "img"]
    img = tags[1][1]
    assert (img["src"], img["width"], img["height"]) == (image.file.url, "800", "600")
    assert "srcset" not in img


def test_a_missing_picture_renders_nothing():
    """Articles without a featured photo render no empty frame."""
    assert render_picture(None).strip() == ""


def test_rendition_url_picks_the_largest_jpeg_up_to_the_width(db):
    """Open Graph asks for 1200: it gets that, or the largest there is, or the original."""
    wide = processed(jpeg_bytes(width=1600, height=900))
    narrow = processed(jpeg_bytes(width=1000, height=750))
    unprocessed = ImageFactory()

    rendered = Template(
        "{% load images %}{% rendition_url wide %}|{% rendition_url narrow %}|"
        "{% rendition_url wide 480 'webp' %}|{% rendition_url unprocessed %}"
    ).render(Context({"wide": wide, "narrow": narrow, "unprocessed": unprocessed}))

    urls = rendered.split("|")
    assert urls[0].endswith("-1200.jpg") and f"/{wide.pk}/" in urls[0]
    assert urls[1].endswith("-1000.jpg")
    assert urls[2].endswith("-480.webp")
    assert urls[3] == unprocessed.file.url


# The admin


@pytest.fixture
def editor(db, client):
    user = UserFactory(username="redaktur-foto", is_superuser=True)
    client.force_login(user)
    return user


TYPED = {
    "alt_text": "Wali kota meninjau banjir di Jalan MT Haryono",
    "caption": "Banjir merendam Jalan MT Haryono, Balikpapan, Jumat (14/11/2025).",
    "credit": "Newsroom/Rina",
}


def test_admin_upload_stores_a_clean_photo_with_renditions(
    client, editor, media_root, django_capture_on_commit_callbacks
):
    """A journalist uploads a phone photo: it is saved without its EXIF, with renditions."""
    content = picture_bytes("JPEG", size=(1600, 900), exif=secret_exif())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_image_add"), {"file": upload(content), **TYPED}
        )

    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.alt_text, image.uploaded_by) == (TYPED["alt_text"], editor)
    assert (image.width, image.height, len(image.renditions)) == (1600, 900, 6)
    assert stored_files(media_root) == served_names(image)
    for name in served_names(image):
        assert b"KameraSumberRahasia" not in (media_root / name).read_bytes()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            b"Catatan liputan, bukan foto.",
            "Unggah foto berformat JPEG, PNG, atau WebP.",
            id="not-an-image",
        ),
        pytest.param(
            png_bomb(), "Resolusi gambar terlalu besar: maksimal 40.000.000 piksel.", id="bomb"
        ),
        pytest.param(
            jpeg_bytes(width=150, height=150),
            "Gambar terlalu kecil (150 × 150 piksel): setiap sisi minimal 200 piksel.",
            id="too-small",
        ),
    ],
)
def test_admin_refuses_a_bad_upload_in_indonesian_and_keeps_what_was_typed(
    client, editor, media_root, content, message
):
    """The form comes back with the reason and the caption, credit and alt text still filled."""
    response = client.post(reverse("admin:articles_image_add"), {"file": upload(content), **TYPED})

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    for field, typed in TYPED.items():
        assert response.context["adminform"].form[field].value() == typed
        assert f'value="{typed}"' in html
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_admin_refuses_an_oversized_file(client, editor, settings):
    """The byte limit is shown to the journalist in Indonesian units."""
    settings.NEWSROOM_IMAGE_MAX_BYTES = 2_000

    response = client.post(
        reverse("admin:articles_image_add"),
        {"file": upload(jpeg_bytes(width=1200, height=900)), **TYPED},
    )

    assert "melebihi batas 2,0\xa0KB" in response.content.decode()
    assert not Image.objects.exists()


def test_editing_the_caption_keeps_the_processed_photo(client, editor, media_root):
    """Saving other fields neither needs a new file nor redoes the renditions."""
    image = processed(jpeg_bytes(width=1600, height=900), uploaded_by=editor)
    files = stored_files(media_root)

    response = client.post(
        reverse("admin:articles_image_change", args=[image.pk]),
        {**TYPED, "caption": "Keterangan foto yang diperbaiki."},
    )

    assert response.status_code == 302
    reloaded = Image.objects.get(pk=image.pk)
    assert reloaded.caption == "Keterangan foto yang diperbaiki."
    assert (reloaded.file.name, reloaded.renditions) == (image.file.name, image.renditions)
    assert stored_files(media_root) == files


def test_image_list_shows_a_small_rendition_as_thumbnail(client, editor):
    """Editors pick photos from thumbnails, not from full-size originals."""
    image = processed(jpeg_bytes(width=1600, height=900))

    response = client.get(reverse("admin:articles_image_changelist"))

    thumbnails = [
        attrs for tag, attrs in TagCollector(response.content.decode()).tags if tag == "img"
    ]
    assert {"src": images.rendition_url(image, 480), "alt": image.alt_text} in [
        {"src": attrs.get("src"), "alt": attrs.get("alt")} for attrs in thumbnails
    ]
