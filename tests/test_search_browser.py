"""A reader searches from the header on a phone and on a desktop, with a real browser."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .factories import make_article, make_section, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def archive():
    east = make_section("المنطقة الشرقية")
    sana = make_source("سانا")
    make_article(
        "وصول تعزيزات عسكريّة إلى ريف دير الزور الشرقي",
        lead="أرسل التحالف الدولي تعزيزات عسكريّة وشحنة أسلحة إلى قواته في المنطقة.",
        body="<p>وقالت مصادر محلية إن شاحنات تحمل عربات مصفحة وصلت إلى ريف دير الزور الشرقي.</p>",
        section=east,
        sources=[sana],
    )
    for n in range(14):
        make_article(
            f"تقرير رقم {n} عن الأوضاع العسكرية في المنطقة",
            section=make_section(f"قسم {n}"),
            pub_date=timezone.now() - timedelta(days=n + 1),
        )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_reader_searches_from_the_header(live_server, browser, artifacts_dir, archive, viewport):
    page = browser.new_page(viewport=viewport)
    page.goto(f"{live_server.url}/")
    page.get_by_label("ابحث في الأخبار").fill("عسكريه")
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text("نتائج البحث عن «عسكريه»")
    expect(page.get_by_role("status")).to_have_text("عدد النتائج: 15")
    first = page.locator(".search-result").first
    expect(first.locator("mark").first).to_have_text("عسكريّة")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=artifacts_dir / f"search-results-{viewport['width']}.png", full_page=True)

    page.get_by_role("link", name="التالي").click()
    expect(page.locator(".search-result")).to_have_count(3)
    expect(page.locator("#id_q")).to_have_value("عسكريه")

    page.select_option("#id_source", label="سانا")
    page.get_by_role("button", name="ابحث", exact=True).click()
    expect(page.locator(".search-result")).to_have_count(1)

    page.locator("#id_q").fill("عسكريه كلمةلاتوجد")
    page.get_by_role("button", name="ابحث", exact=True).click()
    expect(page.get_by_role("heading", name="لم نجد أخباراً تطابق بحثك")).to_be_visible()
    expect(page.get_by_role("link", name="«عسكريه» وحدها")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=artifacts_dir / f"search-empty-{viewport['width']}.png", full_page=True)
