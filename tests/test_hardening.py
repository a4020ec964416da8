"""Production settings, security headers, the Content Security Policy, login throttling and
the configurable admin address."""

import importlib
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from axes.models import AccessAttempt
from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import clear_url_caches, reverse

import newsroom.urls
from comments.models import Comment
from tests.factories import make_article, make_author, make_section, make_source, make_user

BASE_DIR = Path(__file__).resolve().parent.parent
# Script types a browser treats as data, never runs: CSP does not apply to them.
DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh interpreter with newsroom.settings and exactly the given variables:
    settings are read once per process, so production's must be tried in another one."""
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_in_process(*names: str, **env: str) -> list[str]:
    """The values of some settings as another process started with `env` sees them."""
    code = "from django.conf import settings\n" + "".join(
        f"print(getattr(settings, {name!r}, None))\n" for name in names
    )
    result = run_manage("shell", "--no-imports", "-c", code, **env)
    return result.stdout.splitlines()


def production_env(**extra: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.org",
        "SITE_URL": "https://news.example.org",
        **extra,
    }


class ProductionSettingsTests(TestCase):
    def test_production_refuses_to_start_without_a_secret_key(self):
        result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="news.example.org")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured: SECRET_KEY is not set", result.stderr)
        self.assertIn("DEBUG=1", result.stderr)

    def test_an_empty_secret_key_is_no_secret_key(self):
        result = run_manage("check", DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS="news.example.org")
        self.assertIn("SECRET_KEY is not set", result.stderr)

    def test_check_deploy_reports_nothing_with_production_settings(self):
        result = run_manage("check", "--deploy", "--fail-level", "DEBUG", **production_env())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("System check identified no issues", result.stdout)

    def test_hsts_subdomains_and_preload_can_be_turned_on_and_stay_clean(self):
        env = production_env(SECURE_HSTS_INCLUDE_SUBDOMAINS="1", SECURE_HSTS_PRELOAD="1")
        result = run_manage("check", "--deploy", "--fail-level", "DEBUG", **env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("no issues (0 silenced)", result.stdout)
        shown = settings_in_process(
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            **env,
        )
        self.assertEqual(shown, ["31536000", "True", "True", "True", "True", "True"])

    def test_proxy_ssl_header_is_trusted_only_when_named(self):
        self.assertEqual(settings_in_process("SECURE_PROXY_SSL_HEADER", **production_env()), ["None"])
        named = production_env(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
        self.assertEqual(
            settings_in_process("SECURE_PROXY_SSL_HEADER", **named), ["('HTTP_X_FORWARDED_PROTO', 'https')"]
        )


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, <style> elements, style="" and
    on*="" attributes, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") not in DATA_BLOCK_TYPES:
            self.found.append(f"inline <script {attrs}>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


class ReaderPageHeadersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("سوريا")
        cls.source = make_source("سانا")
        cls.author = make_author("ليلى حسن")
        cls.article = make_article(
            "خبر عن حلب",
            section=cls.section,
            tags=["حلب"],
            sources=[cls.source],
            authors=[cls.author],
            body="<p>نص <strong>الخبر</strong> <a href='https://example.org/'>رابط</a></p>",
        )
        Comment.objects.create(
            article=cls.article, name="قارئ", text="تعليق مع رابط https://example.org", status="approved"
        )

    def reader_urls(self):
        return [
            reverse("home"),
            self.article.get_absolute_url(),
            self.section.get_absolute_url(),
            self.source.get_absolute_url(),
            self.author.get_absolute_url(),
            reverse("articles:tag", kwargs={"slug": "حلب"}),
            "/no-such-page/",
        ]

    def test_reader_pages_send_a_strict_policy_and_the_security_headers(self):
        for url in self.reader_urls():
            with self.subTest(url=url):
                response = self.client.get(url)
                directives = csp_directives(response)
                self.assertEqual(directives["script-src"], ["'self'"])
                self.assertEqual(directives["style-src"][0], "'self'")
                self.assertNotIn("'unsafe-inline'", response["Content-Security-Policy"])
                self.assertNotIn("'unsafe-eval'", response["Content-Security-Policy"])
                self.assertEqual(directives["frame-ancestors"], ["'none'"])
                self.assertEqual(directives["object-src"], ["'none'"])
                self.assertEqual(response["X-Frame-Options"], "DENY")
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["Referrer-Policy"], "same-origin")
                self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")

    def test_reader_pages_have_no_inline_script_or_style(self):
        for url in self.reader_urls():
            with self.subTest(url=url):
                self.assertEqual(inline_code(self.client.get(url).content.decode()), [])

    def test_comment_form_page_with_errors_has_no_inline_code(self):
        url = reverse("comments:post", args=[self.article.pk])
        response = self.client.post(url, {"name": "", "text": ""}, follow=True)
        self.assertEqual(inline_code(response.content.decode()), [])

    @override_settings(SECURE_HSTS_SECONDS=3600, SECURE_HSTS_INCLUDE_SUBDOMAINS=False)
    def test_hsts_over_https_without_subdomains_by_default(self):
        response = self.client.get(reverse("home"), secure=True)
        self.assertEqual(response["Strict-Transport-Security"], "max-age=3600")

    @override_settings(
        SECURE_HSTS_SECONDS=3600, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
    )
    def test_hsts_subdomains_and_preload_when_asked(self):
        response = self.client.get(reverse("home"), secure=True)
        self.assertEqual(response["Strict-Transport-Security"], "max-age=3600; includeSubDomains; preload")

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_plain_http_is_sent_to_https(self):
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response["Location"].startswith("https://"))

    def test_session_and_csrf_cookies_are_secure_in_production(self):
        # tests.settings runs with DEBUG off, as production does.
        self.assertTrue(settings.SESSION_COOKIE_SECURE)
        self.assertTrue(settings.CSRF_COOKIE_SECURE)
        self.assertTrue(settings.SESSION_COOKIE_HTTPONLY)


class AdminPolicyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("محررون", is_superuser=True)
        cls.article = make_article("خبر للتحرير")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_the_editor_import_map_carries_the_nonce_the_header_allows(self):
        response = self.client.get(reverse("admin:articles_article_change", args=[self.article.pk]))
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
        self.assertContains(response, f'<script type="importmap" nonce="{nonce}">')
        # Every other inline script on the page is data only.
        scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.content.decode())
        self.assertTrue(all('type="importmap"' in attrs or "application/json" in attrs for attrs in scripts))

    def test_each_request_gets_its_own_nonce(self):
        url = reverse("admin:articles_article_change", args=[self.article.pk])
        first = re.search(r"'nonce-([^']+)'", self.client.get(url)["Content-Security-Policy"])[1]
        second = re.search(r"'nonce-([^']+)'", self.client.get(url)["Content-Security-Policy"])[1]
        self.assertNotEqual(first, second)

    def test_admin_pages_without_the_editor_have_no_nonce_and_no_inline_code(self):
        for url in [
            reverse("admin:index"),
            reverse("admin:articles_article_changelist"),
            reverse("admin:comments_comment_changelist"),
            reverse("editorial:calendar"),
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("nonce-", response["Content-Security-Policy"])
                self.assertEqual(inline_code(response.content.decode()), [])


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
class LoginThrottlingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(username="layla", password="the-right-password-1", is_superuser=True)

    def log_in(self, password, username="layla", ip="203.0.113.7"):
        return self.client.post(
            reverse("admin:login"),
            {"username": username, "password": password, "next": reverse("admin:index")},
            REMOTE_ADDR=ip,
        )

    def test_failures_below_the_limit_show_the_ordinary_form(self):
        for _ in range(2):
            response = self.log_in("wrong")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, 'name="password"')
        self.assertRedirects(self.log_in("the-right-password-1"), reverse("admin:index"))

    def test_locked_out_after_the_limit_with_an_arabic_page_even_with_the_right_password(self):
        for _ in range(3):
            self.log_in("wrong")
        response = self.log_in("the-right-password-1")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "أُوقف تسجيل الدخول مؤقتاً بعد 3 من المحاولات الفاشلة", status_code=429)
        self.assertContains(response, "حاول مجدداً بعد 30 دقيقة", status_code=429)
        self.assertContains(response, '<html lang="ar" dir="rtl"', status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_lockout_is_per_address_and_username(self):
        for _ in range(3):
            self.log_in("wrong")
        # The same editor from the newsroom's own address is not locked out by the attacker.
        self.assertRedirects(self.log_in("the-right-password-1", ip="198.51.100.2"), reverse("admin:index"))

    def test_the_limit_is_a_setting(self):
        with override_settings(AXES_FAILURE_LIMIT=5):
            for _ in range(4):
                self.assertEqual(self.log_in("wrong").status_code, 200)
            self.assertEqual(self.log_in("wrong").status_code, 429)

    def test_failures_are_recorded_for_the_admin(self):
        self.log_in("wrong")
        attempt = AccessAttempt.objects.get()
        self.assertEqual(
            (attempt.username, attempt.ip_address, attempt.failures_since_start), ("layla", "203.0.113.7", 1)
        )


class AdminUrlTests(TestCase):
    """ADMIN_URL moves the admin and the editorial pages beside it."""

    def setUp(self):
        self.addCleanup(self.restore_urls)
        with override_settings(ADMIN_URL="desk-4f2/"):
            importlib.reload(newsroom.urls)
        clear_url_caches()
        self.user = make_user("محررون", is_superuser=True)

    @staticmethod
    def restore_urls():
        importlib.reload(newsroom.urls)
        clear_url_caches()

    def test_admin_and_editorial_pages_move_with_the_setting(self):
        self.assertEqual(reverse("admin:index"), "/desk-4f2/")
        self.assertEqual(reverse("editorial:calendar"), "/desk-4f2/editorial/calendar/")
        self.assertEqual(reverse("article_presence", args=[1]), "/desk-4f2/articles/article/1/presence/")
        self.assertEqual(self.client.get("/admin/").status_code, 404)
        self.client.force_login(self.user)
        self.assertEqual(self.client.get("/desk-4f2/").status_code, 200)
        self.assertEqual(self.client.get("/desk-4f2/editorial/calendar/").status_code, 200)

    def test_links_on_the_moved_admin_follow_it(self):
        self.client.force_login(self.user)
        page = self.client.get("/desk-4f2/").content.decode()
        self.assertIn('href="/desk-4f2/articles/article/"', page)
        self.assertNotIn('href="/admin/', page)
