"""Turn the deployment's environment variables into Django settings.

Imported by newsroom/settings.py, so it may use only the standard library and dj_database_url:
Django's apps are not loaded yet.
"""

from urllib.parse import parse_qsl, urlsplit

import dj_database_url

CACHE_BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
    "unix": "django.core.cache.backends.redis.RedisCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
}

# Options of django-storages' S3Storage that may come in the query string of MEDIA_STORAGE_URL.
S3_OPTIONS = {"endpoint_url", "region_name", "custom_domain", "addressing_style", "signature_version"}


# Django's default of 300 entries is too few: related news keep a version per tag, source and
# article they touched and a count per tag, and a full LocMemCache drops a third of its keys at
# random, so on a real archive nothing stayed cached (bench/search.py: "cached" related news
# took as long as uncached ones). 20,000 small entries are a few megabytes per process.
LOCMEM = {"BACKEND": CACHE_BACKENDS["locmem"], "OPTIONS": {"MAX_ENTRIES": 20_000}}


def cache_from_url(url: str) -> dict:
    """CACHES["default"] for "redis://host:6379/1", "rediss://…", "unix://…", "locmem://" or
    "dummy://"; the per-process memory cache when `url` is empty."""
    if not url:
        return LOCMEM
    scheme = urlsplit(url).scheme
    if scheme not in CACHE_BACKENDS:
        raise ValueError(f"CACHE_URL: unknown scheme {scheme!r}, expected one of {', '.join(CACHE_BACKENDS)}")
    if scheme == "locmem":
        return LOCMEM
    if scheme == "dummy":
        return {"BACKEND": CACHE_BACKENDS[scheme]}
    return {"BACKEND": CACHE_BACKENDS[scheme], "LOCATION": url}


def media_storage_from_url(url: str) -> dict:
    """STORAGES["default"]: local files when `url` is empty, S3-compatible object storage for
    "s3://bucket/optional/prefix?endpoint_url=https://…&region_name=…&custom_domain=…".

    Credentials never go in the URL: boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or
    an instance role) itself, so they stay out of settings dumps and error pages.
    """
    if not url:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError("MEDIA_STORAGE_URL: expected s3://bucket[/prefix][?endpoint_url=…]")
    query = dict(parse_qsl(parts.query))
    unknown = set(query) - S3_OPTIONS
    if unknown:
        raise ValueError(f"MEDIA_STORAGE_URL: unknown options {', '.join(sorted(unknown))}")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": parts.netloc,
            "location": parts.path.strip("/"),
            # News photos are public: plain URLs a CDN can cache, not signed ones that expire.
            "querystring_auth": False,
            # Two uploads of "photo.jpg" must not replace each other.
            "file_overwrite": False,
            **query,
        },
    }


def database_from_url(url: str, *, conn_max_age: int) -> dict:
    database = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    if database["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiler spent 45 ms compiling the 35 ms related-news query (bench/);
        # a site's short queries never win that back.
        database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    return database


def replica_databases(urls: list[str], *, conn_max_age: int) -> dict[str, dict]:
    """DATABASES entries "replica_1", "replica_2", … for read-only copies of the primary; in
    tests each is a mirror of the test database, as the replica would be of the primary."""
    return {
        f"replica_{number}": {
            **database_from_url(url, conn_max_age=conn_max_age),
            "TEST": {"MIRROR": "default"},
        }
        for number, url in enumerate(urls, start=1)
    }
