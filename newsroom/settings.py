"""Settings for the newsroom CMS.

Everything that differs between a laptop and production comes from the environment;
the defaults are for development (`make run`).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def local_secret_key(path: Path) -> str:
    """A key generated on first use and kept beside the code (mode 0600, gitignored), so a
    fresh checkout runs without setup and no two installs share a key. Set SECRET_KEY in
    production, where several servers must agree on one."""
    if not path.exists():
        key = get_random_secret_key()
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
                file.write(key)
        except FileExistsError:
            pass  # another process got there first: use its key
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or local_secret_key(BASE_DIR / ".secret_key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "taggit",
    "imagekit",
    "django_prose_editor",
    "reversion",
    "crispy_forms",
    "crispy_bootstrap5",
    "sections",
    "sources",
    "authors",
    "articles",
    "editorial",
    "comments",
    "wordpress",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages shrink about fourfold; Django pads the gzip header against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees every 404 on its way out: old WordPress addresses answer with a 301.
    "wordpress.middleware.WordPressRedirectMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler spent 45 ms compiling the 35 ms related-news query (bench/);
    # a site's short queries never win that back.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# A shared cache across processes when Redis is configured; per-process memory otherwise.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ar"
TIME_ZONE = "Asia/Damascus"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names let browsers cache CSS and fonts for a year: readers on metered
        # connections download them once.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Tag slugs keep Arabic letters ("دير-الزور"), never a Latin transliteration.
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = False
TAGGIT_CASE_INSENSITIVE = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Upload limits: a news photo is a few megabytes; anything far larger is a mistake or abuse.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ARTICLE_PHOTO_MAX_BYTES = 8 * 1024 * 1024

NEWSROOM_SITE_NAME = os.environ.get("SITE_NAME", "غرفة الأخبار")
NEWSROOM_PAGE_SIZE = 12
NEWSROOM_RELATED_LIMIT = 6

# Reader comments (comments app).
# Comments close this many days after publication; 0 never closes them by age.
COMMENTS_OPEN_DAYS = int(os.environ.get("COMMENTS_OPEN_DAYS", "30"))
COMMENTS_PER_PAGE = 50
COMMENTS_MAX_LENGTH = 3000
COMMENTS_MIN_FILL_SECONDS = 3  # a form sent faster than this was filled by a script
COMMENTS_REPORT_THRESHOLD = 3  # reports that hide an approved comment pending review
COMMENTS_SPAM_THRESHOLD = 5  # spam score that sends a comment straight to the spam folder
# (requests, seconds) per reader IP and per article, counted in the cache.
COMMENTS_RATE_LIMIT_IP = (5, 10 * 60)
COMMENTS_RATE_LIMIT_ARTICLE = (60, 10 * 60)
COMMENTS_IP_RETENTION_DAYS = int(os.environ.get("COMMENTS_IP_RETENTION_DAYS", "30"))

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
