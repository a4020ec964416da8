"""Static files as production serves them: collected, hashed, compressed, and all local."""

import json
import re
import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings

BASE_DIR = Path(settings.BASE_DIR)

PRODUCTION_STATIC = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

BOOTSTRAP = "vendor/bootstrap/bootstrap.rtl.min.css"
FONTS = [
    "vendor/noto-naskh-arabic/noto-naskh-arabic-400.woff2",
    "vendor/noto-naskh-arabic/noto-naskh-arabic-700.woff2",
]

# A <link> or <script> whose href/src points off-site: http://, https:// or protocol-relative //.
REMOTE_ASSET = re.compile(r"""<(?:link|script)\b[^>]*?\b(?:href|src)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
# A CSS url() or @import that fetches from another host.
REMOTE_CSS = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*(?:https?:)?//""", re.I)


class CollectstaticTests(TestCase):
    """One collectstatic run with the production storage, shared by the tests below."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.static_root = Path(tempfile.mkdtemp(prefix="newsroom-static-"))
        cls.addClassCleanup(shutil.rmtree, cls.static_root, ignore_errors=True)
        cls.production = override_settings(STORAGES=PRODUCTION_STATIC, STATIC_ROOT=str(cls.static_root))
        cls.production.enable()
        cls.addClassCleanup(cls.production.disable)
        call_command("collectstatic", interactive=False, verbosity=0, stdout=StringIO())
        manifest = json.loads((cls.static_root / "staticfiles.json").read_text())
        cls.paths = manifest["paths"]

    def hashed(self, name: str) -> Path:
        self.assertIn(name, self.paths)
        hashed = self.paths[name]
        stem, ext = name.rsplit(".", 1)[0], name.rsplit(".", 1)[1]
        self.assertRegex(hashed, rf"^{re.escape(stem)}\.[0-9a-f]{{12}}\.{ext}$")
        path = self.static_root / hashed
        self.assertTrue(path.is_file(), path)
        return path

    def test_bootstrap_is_hashed_and_compressed(self):
        css = self.hashed(BOOTSTRAP)
        self.assertIn(".text-end{text-align:left!important}", css.read_text())
        # The source map is collected too, and the CSS names its hashed copy.
        source_map = self.hashed(BOOTSTRAP + ".map")
        self.assertIn(f"sourceMappingURL={source_map.name}", css.read_text())
        # Whitenoise serves the precompressed copy to browsers that accept it.
        self.assertTrue(css.with_name(css.name + ".gz").is_file())

    def test_fonts_are_hashed(self):
        for font in FONTS:
            self.assertEqual(self.hashed(font).read_bytes(), (BASE_DIR / "static" / font).read_bytes())

    def test_site_css_points_at_hashed_fonts(self):
        css = self.hashed("css/site.css").read_text()
        for font in FONTS:
            # A year-long cache on an unhashed name would leave readers with a stale font.
            self.assertIn(f'url("../{self.paths[font]}")', css)

    def test_editor_and_admin_assets_are_collected(self):
        for name in [
            "django_prose_editor/editor.js",
            "django_prose_editor/editor.css",
            "admin/css/rtl.css",
            "admin/js/autocomplete.js",
        ]:
            self.hashed(name)

    def test_pages_link_hashed_assets(self):
        page = self.client.get("/").content.decode()
        for name in [BOOTSTRAP, "css/site.css", FONTS[0]]:
            self.assertIn(f"{settings.STATIC_URL}{self.paths[name]}", page)
            self.assertNotIn(f'"{settings.STATIC_URL}{name}"', page)


class VendoredFilesTests(SimpleTestCase):
    def test_licences_are_shipped_with_the_vendored_files(self):
        bootstrap = (BASE_DIR / "static/vendor/bootstrap/LICENSE").read_text()
        self.assertIn("The MIT License", bootstrap)
        font = (BASE_DIR / "static/vendor/noto-naskh-arabic/OFL.txt").read_text()
        self.assertIn("SIL Open Font License, Version 1.1", font)

    def test_templates_load_no_css_js_or_fonts_from_a_cdn(self):
        templates = sorted((BASE_DIR / "templates").rglob("*.html"))
        self.assertGreater(len(templates), 5)
        offenders = [
            f"{path.relative_to(BASE_DIR)}: {match.group(0)}"
            for path in templates
            for match in REMOTE_ASSET.finditer(path.read_text())
        ]
        self.assertEqual(offenders, [])

    def test_site_css_fetches_nothing_from_another_host(self):
        for path in (BASE_DIR / "static/css").glob("*.css"):
            self.assertIsNone(REMOTE_CSS.search(path.read_text()), path)

    def test_the_cdn_patterns_catch_what_they_are_meant_to(self):
        # The scans above pass on a clean tree; make sure they would not pass on a dirty one.
        for tag in [
            '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap@5/dist/css/bootstrap.rtl.min.css">',
            "<script src='http://code.jquery.com/jquery.js'></script>",
            '<link href="//fonts.googleapis.com/css2?family=Noto+Naskh+Arabic" rel="stylesheet">',
            '<script\n  defer src="https://example.com/a.js"></script>',
        ]:
            self.assertRegex(tag, REMOTE_ASSET)
        for local in [
            '<link rel="stylesheet" href="{% static \'css/site.css\' %}">',
            '<link rel="canonical" href="{{ request.scheme }}://{{ request.get_host }}/">',
        ]:
            self.assertNotRegex(local, REMOTE_ASSET)
        self.assertRegex('@import url("https://fonts.googleapis.com/css2")', REMOTE_CSS)
        self.assertRegex("src: url(//fonts.gstatic.com/x.woff2)", REMOTE_CSS)
        self.assertNotRegex('src: url("../vendor/a.woff2")', REMOTE_CSS)
