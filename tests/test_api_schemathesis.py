"""schemathesis against the API's own OpenAPI schema: generated requests for every operation,
through the whole WSGI stack, must never get a server error or an answer the schema does not
describe. A few examples per operation keep CI fast; the properties are checked on every one."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from articles.models import Article

from .factories import image_upload, make_article, make_author, make_section, make_source


def seed():
    syria = make_section("من سوريا", slug="من-سوريا")
    east = make_section("المنطقة الشرقية", slug="المنطقة-الشرقية", parent=syria)
    sana = make_source("سانا", slug="سانا", kind="state")
    layla = make_author("ليلى العلي", slug="ليلى-العلي", real_name="اسم محمي")
    for n in range(5):
        make_article(
            f"خبر رقم {n} عن دير الزور",
            section=east if n % 2 else syria,
            pub_date=timezone.now() - timedelta(hours=n + 1),
            tags=["دير الزور"],
            sources=[sana],
            authors=[layla],
            photo=image_upload() if n == 0 else None,
        )
    make_article("مسودة", section=east, status=Article.Status.DRAFT, authors=[make_author()])


@pytest.fixture
def seeded_api(db, settings):
    # Every generated request comes from one address; the limit has its own tests.
    settings.API_ANON_RATE = "100000/minute"
    seed()
    # As Django's test client does: a real WSGI request would otherwise close the test's
    # connection at its end and lose the test transaction (and the seeded data) with it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded at collection through the WSGI app, as a client would fetch it (the schema view reads
# no database). schemathesis.pytest.from_fixture would load it per test instead, but its lazy
# loader sets a node attribute that pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", WSGIHandler())


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema(case, seeded_api):
    # Not positive_data_acceptance: a schema cannot list the slugs that exist today, and an
    # unknown slug ("?section=x") is meant to be a 400, not an empty list that looks like no news.
    # identity: the WSGI transport hands back the body as sent, and would not unzip it.
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance]
    )
