"""Test settings: the real ones, with what tests must not share with a running site."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from newsroom.settings import *  # noqa: E402,F403

# Uploaded photos and their renditions go to a throw-away folder.
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-media-")

# Unhashed names: tests render templates without running collectstatic first.
# tests/test_static.py runs collectstatic with the production storage.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Serve static files from the apps' folders, as `make run` does, without a collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The test client speaks plain HTTP: a redirect to https:// would answer every request.
# tests/test_hardening.py checks the production values in a subprocess.
SECURE_SSL_REDIRECT = False
# Django's test client logs in without a request, which django-axes refuses outright; the
# throttle's own tests (tests/test_hardening.py) turn it back on.
AXES_ENABLED = False

# Off by default: most tests change data inside a transaction that never commits, which is when
# the page cache learns of changes. tests/test_page_cache.py turns it on.
PAGE_CACHE_SECONDS = 0
FRAGMENT_CACHE_SECONDS = 0

# A read replica for tests/test_replicas.py: a second connection to the same test database.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
