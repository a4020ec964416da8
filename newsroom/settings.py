"""Settings for the newsroom CMS.

Everything that differs between a laptop and production comes from the environment;
the defaults are for development (`make run`).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from serving.config import cache_from_url, database_from_url, media_storage_from_url, replica_databases

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
SECRET_KEY = os.environ.get("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        # Several production servers must share one key, and one made up on a server's own
        # disk would silently log everybody out whenever a server is replaced.
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) needs it in the environment: "
            'generate one with  python -c "import secrets; print(secrets.token_urlsafe(50))"  '
            "and give every server the same. For local development, set DEBUG=1 (make run does)."
        )
    SECRET_KEY = local_secret_key(BASE_DIR / ".secret_key")

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
    "django.contrib.sitemaps",
    "taggit",
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
    "reach",
    "photos",
    "search",
    "serving",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "api",
    "wordpress",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that may answer early, so every /api/ response carries the CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    # Lets anonymous reads use the read replicas, if any (serving/routers.py).
    "serving.routers.ReplicaMiddleware",
    # Before GZip, so that cached pages are kept compressed (serving/middleware.py).
    "serving.middleware.PageCacheMiddleware",
    "serving.middleware.DatabaseUnavailableMiddleware",
    # Pages shrink about fourfold; Django pads the gzip header against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Late, so it sees every 404 on its way out: old WordPress addresses answer with a 301.
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

# --- Serving (issue 7): databases, caches, page cache, media storage --------------------------
CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", "60"))
# Health checks (database_from_url): a connection the database dropped (restart, failover) is
# replaced at the start of the next request instead of failing it, so the site recovers by itself.
DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=CONN_MAX_AGE
    ),
    **replica_databases(env_list("DATABASE_REPLICA_URLS", ""), conn_max_age=CONN_MAX_AGE),
}
# Anonymous GET requests read from the replicas; writes, and every request of a signed-in user,
# use the primary (serving/routers.py).
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["serving.routers.ReplicaRouter"]

# REDIS_URL is the older name, still read. With several processes (gunicorn) set a shared one:
# per-process memory caches would each keep their own copy of a page after it changed.
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", ""))}
# How long a page may be served from the page cache (and by a CDN) before it is built again;
# publishing, editing or withdrawing a story empties the cache at once (serving/invalidation.py).
# This bound covers what no save announces, such as a scheduled story falling due. 0: no page cache.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
# How long each worker trusts what it last read of the shared cache's state: a change made on
# another server reaches this one's readers within this many seconds (serving/pagecache.py).
PAGE_CACHE_LOCAL_SECONDS = float(os.environ.get("PAGE_CACHE_LOCAL_SECONDS", "1"))
# How long each worker may reuse a rendered fragment of a page (the section menu, an article's
# related news and comments) while nothing readers see has changed (serving/fragments.py).
# Like PAGE_CACHE_SECONDS, this bounds what no save announces (comments closing). 0: always render.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "60"))
# The views whose pages anonymous readers get from the page cache.
PAGE_CACHE_VIEWS = {
    "home",
    "articles:detail",
    "articles:latest",
    "articles:tag",
    "sections:detail",
    "sources:detail",
    "authors:detail",
    "search:search",
    "reach:sitemap_index",
    "reach:sitemap",
    *(
        f"reach:{kind}_{fmt}"
        for kind in ("latest", "section", "tag", "source", "author")
        for fmt in ("rss", "atom")
    ),
}
# Uploaded photos: local files under MEDIA_ROOT, or S3-compatible object storage shared by
# every app server (s3://bucket/prefix?endpoint_url=…; credentials from AWS_* variables).
MEDIA_STORAGE = media_storage_from_url(os.environ.get("MEDIA_STORAGE_URL", ""))
# --- end of Serving ---------------------------------------------------------------------------

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
    "default": MEDIA_STORAGE,
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
PHOTO_MAX_BYTES = 8 * 1024 * 1024
# Decoded, 40 megapixels take 160 MB; a bigger picture is refused before it is decoded.
PHOTO_MAX_PIXELS = 40_000_000

NEWSROOM_SITE_NAME = os.environ.get("SITE_NAME", "غرفة الأخبار")
NEWSROOM_PAGE_SIZE = 12
NEWSROOM_RELATED_LIMIT = 6

# How dates read (newsroom/dates.py): "levantine" months (كانون الأول) or "standard" (ديسمبر);
# "western" digits (2018) or "arabic" (٢٠١٨).
NEWSROOM_MONTH_NAMES = os.environ.get("MONTH_NAMES", "levantine")
NEWSROOM_DIGITS = os.environ.get("DIGITS", "western")
# The site's public address, e.g. "https://example.org": canonical links, feeds, sitemaps and
# share links name this host whatever alias or proxy a request came through. Empty: the
# request's own scheme and host (development).
NEWSROOM_BASE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# Feeds and sitemaps (reach app).
NEWSROOM_FEED_ITEMS = 30
NEWSROOM_SITEMAP_LIMIT = 2000  # URLs per sitemap page: Google allows 50,000; small pages render fast
# The publisher's square logo (a static file) for structured data and link previews.
NEWSROOM_LOGO = "reach/logo.png"

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

# Public JSON API (api app, /api/v1/).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # Readers need no account; a partner may send an API key for its own rate limit.
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.PartnerKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["api.filters.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The client is the connection's address: X-Forwarded-For is whatever the client wrote
    # (see comments.views.client_ip for putting the real address in REMOTE_ADDR behind a proxy).
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom public API",
    "DESCRIPTION": (
        "Read-only access to published articles, sections, sources and authors.\n\n"
        "- **Rate limit** per client IP; a partner key (`Authorization: Api-Key <key>`) has its own. "
        "Over it: 429 with `Retry-After`.\n"
        "- **Caching**: every answer has an `ETag`; send it back in `If-None-Match` for a 304.\n"
        "- **Pages**: articles by cursor (follow `next`), other lists by `page`; `page_size` up to 50.\n"
        "- **Errors**: an unknown parameter or slug, or a bad value, is a 400 naming the parameter."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI (/api/v1/docs/) from drf-spectacular-sidecar's static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "SourceKindEnum": "sources.models.Source.Kind",
        "AuthorKindEnum": "authors.models.Author.Kind",
        "CorrectionKindEnum": "articles.models.Correction.Kind",
    },
}
# Requests per client: by IP address without a key; a partner's key carries its own rate.
# Counted in the default cache, which is shared between processes when REDIS_URL is set.
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/minute")
# "name:rate:sha256-of-key" entries, comma separated (python manage.py api_key makes one).
API_PARTNER_KEYS = env_list("API_PARTNER_KEYS", "")
# Seconds shared caches and apps may reuse an API answer without asking again.
API_CACHE_SECONDS = int(os.environ.get("API_CACHE_SECONDS", "60"))
API_MAX_PAGE_SIZE = 50
# Browsers may call the API from these origins ("*" for any); nothing else on the site.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOWED_ORIGINS = [o for o in env_list("API_CORS_ORIGINS", "") if o != "*"]
CORS_ALLOW_ALL_ORIGINS = "*" in env_list("API_CORS_ORIGINS", "")
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "authorization", "if-none-match"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Hardening (issue 7): HTTPS, headers, CSP, login throttling, admin URL, backups ---------
# `python manage.py check --deploy` is clean with DEBUG=0, SECRET_KEY and ALLOWED_HOSTS set.
from datetime import timedelta  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

from csp.constants import NONCE, NONE, SELF  # noqa: E402

INSTALLED_APPS += ["csp", "axes", "backups"]
# AxesMiddleware turns a refused login into the lockout page; axes wants it last.
MIDDLEWARE += ["csp.middleware.CSPMiddleware", "axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# The admin's address; a less obvious one than "admin/" keeps casual scanners off the login.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Only behind a proxy that sets this header itself (and drops a client's copy): otherwise any
# client could claim HTTPS. Give the header's name, e.g. SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + os.environ["SECURE_PROXY_SSL_HEADER"].strip().upper().replace("-", "_"),
        "https",
    )
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
# Both off unless asked for: includeSubDomains breaks any subdomain still on plain HTTP, and
# preload is a promise to browsers that takes months to take back. Off, their check --deploy
# warnings would only repeat that choice.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    *(["security.W005"] if not SECURE_HSTS_INCLUDE_SUBDOMAINS else []),
    *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Readers of a Syrian news site may be at risk for what they read: the sites a story links to
# learn nothing of which story sent them.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _origin(url: str) -> list[str]:
    """The scheme and host of an absolute STATIC_URL or MEDIA_URL (a CDN, object storage)."""
    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


_asset_origins = [*_origin(STATIC_URL), *_origin(MEDIA_URL)]
# No inline script or style anywhere. The admin's prose editor is the one exception, made
# narrowly: its import map carries the request's nonce (newsroom.security), and Tiptap's
# injected <style> is allowed by its hash (it changes only with django-prose-editor).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *_asset_origins],
        "style-src": [SELF, "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='", *_asset_origins],
        # data: for the SVG icons inside Bootstrap's and the admin's stylesheets.
        "img-src": [SELF, "data:", *_asset_origins],
        "font-src": [SELF, *_asset_origins],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Admin login throttling (django-axes): after this many failed logins from one address for
# one username, that pair is refused until the cool-off has passed. By the pair, so someone
# guessing an editor's password does not lock the whole newsroom (behind one proxy address).
AXES_FAILURE_LIMIT = int(os.environ.get("ADMIN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ADMIN_LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsroom.security.lockout_response"
# --- end of hardening ------------------------------------------------------------------------
