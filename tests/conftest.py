"""Fixtures for the browser tests: Debian's chromium driven by Playwright's sync API."""

import shutil
from pathlib import Path

import pytest
from django.db import connections

ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "test-artifacts"

CHROMIUM_ARGS = [
    # Containers and CI runners often lack the user namespaces chromium's sandbox needs.
    "--no-sandbox",
    # The test machines have no internet: no update checks, no component downloads.
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(autouse=True)
def empty_cache():
    # Tests must not see each other's cached related news or counts: on SQLite a rolled-back
    # test's ids are handed out again, so the next test's article 5 is another article.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def allow_orm_beside_playwright(monkeypatch):
    # Playwright's sync API runs an asyncio loop in the test's own thread, and Django then
    # refuses ORM calls from that thread (SynchronousOnlyOperation). The test never awaits
    # anything itself, so the check has nothing to protect here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(allow_orm_beside_playwright):
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        # A failure, not a skip: a CI run without a browser must not pass silently.
        pytest.fail(
            "chromium not found on PATH: install Debian's chromium (apt-get install chromium) "
            "to run the browser tests",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # While Playwright runs, Django's per-context connection registry hands the test
            # its own database connections, which pytest-django never closes; on PostgreSQL
            # an open one keeps the test database from being dropped at the end of the run.
            connections.close_all()


@pytest.fixture
def artifacts_dir() -> Path:
    """Where browser tests leave screenshots for a human to look at (gitignored)."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR
