"""A reader shares and prints an article: share links by their Arabic names, a clean printout."""

import re

import pytest
from playwright.sync_api import expect

from .factories import image_upload, make_article, make_author, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHARE_NAMES = ["شارك على واتساب", "شارك على تيليغرام", "شارك على فيسبوك", "شارك على إكس"]


@pytest.fixture
def article():
    return make_article(
        "قصف على بلدة هجين في ريف دير الزور الشرقي",
        section=make_section("المنطقة الشرقية"),
        lead="قالت مصادر محلية إن القصف استهدف أطراف البلدة في ريف دير الزور الشرقي.",
        body="<p>شهدت بلدة هجين صباح اليوم قصفاً مدفعياً مكثفاً، وأفاد سكان بنزوح عشرات العائلات.</p>"
        '<p>وقال <a href="https://example.org/report">تقرير المرصد</a> إن القصف استمر ساعات.</p>',
        tags=["هجين", "دير الزور"],
        authors=[make_author("ليلى العلي")],
        photo=image_upload("hajin.jpg", size=(1600, 900)),
        photo_alt="دخان فوق البلدة",
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_share_links_are_reachable_by_name_and_fit(browser, live_server, article, artifacts_dir, viewport):
    page = browser.new_page(viewport=viewport)
    page.goto(live_server.url + article.get_absolute_url())
    share = page.get_by_role("region", name="شارك الخبر")
    for name in SHARE_NAMES:
        link = share.get_by_role("link", name=name)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], name
    expect(share.get_by_role("link", name="شارك على واتساب")).to_have_attribute(
        "href", re.compile(r"^https://wa\.me/\?text=")
    )
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    # The printed address is for paper only.
    expect(page.locator(".print-url")).to_be_hidden()
    share.scroll_into_view_if_needed()
    page.screenshot(path=artifacts_dir / f"reach-share-{viewport['width']}.png", full_page=True)
    page.close()


def test_printout_is_the_story_and_its_address(browser, live_server, article, artifacts_dir):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(live_server.url + article.get_absolute_url())
    page.emulate_media(media="print")
    for hidden in (".site-nav", ".share", "#comments", ".site-footer"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("h1")).to_have_text("قصف على بلدة هجين في ريف دير الزور الشرقي")
    expect(page.locator(".article-body")).to_be_visible()
    expect(page.locator(".print-url")).to_be_visible()
    expect(page.locator(".print-url")).to_contain_text(
        f"{live_server.url}/news/{article.pk}/قصف-على-بلدة-هجين"
    )
    # A link in the story prints where it leads.
    after = page.evaluate("getComputedStyle(document.querySelector('.article-body a'), '::after').content")
    assert "https://example.org/report" in after
    page.screenshot(path=artifacts_dir / "reach-print.png", full_page=True)
    page.close()
