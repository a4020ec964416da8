"""The developer page at /api/v1/docs/ in a real browser: Swagger UI renders the schema from
files this site serves itself."""

from urllib.parse import urlsplit

import pytest

from .factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs_page_renders_every_operation_from_local_files(live_server, browser, artifacts_dir):
    make_article("خبر للتجربة")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The Content-Security-Policy's refusals are reported on the console.
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    for path in ("/api/v1/articles/", "/api/v1/articles/{id}/", "/api/v1/search/", "/api/v1/sections/"):
        assert any(text.replace("\u200b", "") == path for text in paths), (path, paths)
    page.screenshot(path=str(artifacts_dir / "api-docs.png"))

    # "Try it out" on the article list calls the API from the page and shows its answer.
    page.locator(".opblock-summary-path", has_text="/api/v1/articles/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.wait_for_selector(".responses-table .response-col_status")
    assert "خبر للتجربة" in page.locator(".live-responses-table").inner_text()

    assert errors == [], errors
    here = urlsplit(live_server.url).netloc
    assert {urlsplit(url).netloc for url in requested if not url.startswith("data:")} == {here}
    page.close()
