"""Photos in a real browser: the right rendition, no layout shift, a light first view, and the
body editor's library picker."""

import gzip
import io
import random

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageDraw, ImageFilter

from articles.models import Article

from .factories import make_article, make_photo, make_section, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# The brief's budget for an article's first view, everything included.
FIRST_VIEW_BUDGET = 150_000


def camera_photo(seed: int, size=(1800, 1200)) -> SimpleUploadedFile:
    """A camera photo's worth of detail (many small shapes, grain), so renditions weigh what
    real news photos do (640 px WebP ≈ 30 KB) rather than what a flat colour does."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (120, 110, 90))
    draw = ImageDraw.Draw(image)
    for _ in range(size[0] * size[1] // 1500):
        x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(4, 90)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(30, 230) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(1.5))
    image = Image.blend(image, Image.effect_noise(size, 60).convert("RGB"), 0.12)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92)
    return SimpleUploadedFile(f"camera-{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


def login_cookie(live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value, "url": live_server.url}


@pytest.fixture
def story(db):
    section = make_section("المنطقة الشرقية")
    for n in range(3):
        make_article(f"خبر متعلق رقم {n}", section=section, tags=["دير الزور"], photo=camera_photo(n))
    inside = make_photo(camera_photo(99), caption="مخيم الهول", credit="مراسلنا", alt_text="خيام في مخيم")
    # As long as a typical story, with the photo in the middle of it.
    paragraph = (
        "قالت مصادر محلية إن القصف استهدف أطراف البلدة صباح اليوم، وأفاد سكان بنزوح عشرات العائلات"
        " نحو القرى المجاورة، فيما لم تصدر أي جهة رسمية تعليقاً على ما جرى حتى ساعة إعداد هذا الخبر."
    )
    body = "".join(f"<p>{paragraph}</p>" for _ in range(10))
    body += (
        f'<figure><img src="/x" alt="خيام في مخيم الهول" data-file="{inside.pk}">'
        "<figcaption>المخيم</figcaption></figure>"
    )
    body += f"<p>{paragraph}</p>" * 4
    return make_article(
        "قصف على بلدة هجين في ريف دير الزور",
        section=section,
        tags=["دير الزور"],
        body=body,
        photo=camera_photo(42),
        photo_caption="دخان فوق البلدة",
        photo_credit="ناشطون",
        photo_alt="دخان أسود يرتفع فوق بيوت البلدة",
    )


def open_and_measure(browser, url, viewport):
    """The page, and what its first view weighed, resource by resource, as served in
    production: the test server sends static CSS uncompressed, whitenoise sends it gzipped
    or better, so text that arrived uncompressed is counted at its gzip size."""
    page = browser.new_page(viewport=viewport)
    weights = []

    def on_response(response):
        size = response.request.sizes()["responseBodySize"]
        kind = response.headers.get("content-type", "")
        if "content-encoding" not in response.headers and kind.startswith(("text/", "image/svg")):
            size = len(gzip.compress(response.body()))
        weights.append((size, response.url))

    page.on("requestfinished", lambda request: on_response(request.response()))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    return page, weights


def sizes(boxes):
    return [(round(box["x"]), round(box["width"]), round(box["height"])) for box in boxes]


def photo_boxes_without_photos(browser, url, viewport, selector):
    """The photos' boxes while none has arrived yet (their requests held, not failed: a
    failed image shrinks to its alt text). The CSP is bypassed for Playwright's own polling,
    which evaluates strings; tests/test_csp_browser.py holds the pages to the policy."""
    page = browser.new_page(viewport=viewport, bypass_csp=True)
    held = []
    page.route("**/media/**", lambda route: held.append(route))
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function("document.fonts.status === 'loaded'")
    boxes = [img.bounding_box() for img in page.locator(selector).all()]
    assert held, "no photo was requested"
    page.close()
    return sizes(boxes)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_article_first_view_is_light_and_does_not_shift(live_server, browser, story, viewport, artifacts_dir):
    page, weight = open_and_measure(browser, live_server.url + story.get_absolute_url(), viewport)
    name = f"photos-article-{viewport['width']}.png"
    page.screenshot(path=str(artifacts_dir / name), full_page=True)
    page.screenshot(path=f"/tmp/{name}")

    lead = page.locator(".article-photo img")
    current = lead.evaluate("img => img.currentSrc")
    # The browser took a WebP rendition sized for the screen, never the 3000 px original.
    assert current.endswith(".webp"), current
    assert lead.evaluate("img => img.naturalWidth") <= 1024
    box = lead.bounding_box()
    assert abs(box["height"] - box["width"] * 2 / 3) < 2
    # Before any photo arrives its place is already the right size: nothing moves when it does.
    assert photo_boxes_without_photos(browser, page.url, viewport, ".article-photo img") == sizes([box])
    # The body's photo, further down, waits until the reader scrolls near it. On a wide screen
    # this short story puts it within Chromium's lazy-loading distance (1250 px), so it loads
    # early: it is below the fold, not part of what the reader first sees, and not counted.
    assert page.locator(".body-photo img").get_attribute("loading") == "lazy"
    below_fold = [(size, url) for size, url in weight if "camera-99" in url]
    if viewport == PHONE:
        assert not below_fold
    total = sum(size for size, _ in weight) - sum(size for size, _ in below_fold)
    assert total < FIRST_VIEW_BUDGET, f"first view weighs {total} bytes: {weight}"
    print(f"first view at {viewport['width']} px: {total} bytes (+{sum(s for s, _ in below_fold)} lazy)")
    page.close()


def test_section_page_cards_show_photos_without_overflow(live_server, browser, story, artifacts_dir):
    for viewport in (PHONE, DESKTOP):
        page, _ = open_and_measure(browser, live_server.url + story.section.get_absolute_url(), viewport)
        page.screenshot(path=f"/tmp/photos-section-{viewport['width']}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        first = page.locator(".card-news-photo").first
        assert first.evaluate("img => img.complete && img.naturalWidth > 0")
        boxes = [img.bounding_box() for img in page.locator(".card-news-photo").all()]
        assert photo_boxes_without_photos(browser, page.url, viewport, ".card-news-photo") == sizes(boxes)
        page.close()


def test_editor_inserts_a_library_photo_into_the_body(live_server, browser):
    make_photo(camera_photo(7, size=(600, 400)), caption="شاحنات على الطريق", alt_text="شاحنات")
    wanted = make_photo(camera_photo(8, size=(600, 400)), caption="أطفال في مخيم الهول", alt_text="أطفال")
    editor = make_user(is_superuser=True)
    page = browser.new_page(viewport=DESKTOP)
    page.context.add_cookies([login_cookie(live_server, editor)])
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type("فقرة أولى")
    page.locator("button[data-name=figure]").click()
    dialog = page.locator("dialog[open]")
    # "Browse…" opens the library in a popup; the editor searches it and clicks a photo.
    with page.expect_popup() as popup_info:
        dialog.locator("button", has_text="...").first.click()
    popup = popup_info.value
    popup.fill("#picker-q", "اطفال")
    popup.locator("form.photo-picker-search button[type=submit]").click()
    popup.wait_for_load_state()
    assert popup.locator(".photo-picker button").count() == 1
    with popup.expect_event("close"):
        popup.locator(f".photo-picker button[data-id='{wanted.pk}']").click()
    assert dialog.locator("input[name=altText]").input_value() == "أطفال"
    assert dialog.locator("input[name=caption]").input_value() == "أطفال في مخيم الهول"
    dialog.locator("button[type=submit]").click()
    body = page.locator("textarea[name=body]").evaluate("t => t.value")
    page.close()
    # What the form would save: the sanitiser keeps the picked library photo by its id.
    saved = Article._meta.get_field("body").sanitize(body)
    assert f'data-file="{wanted.pk}"' in saved, body
    assert "<figcaption>أطفال في مخيم الهول</figcaption>" in saved
    assert f'src="{wanted.url(1024)}"' in saved
