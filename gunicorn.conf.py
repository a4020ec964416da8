"""gunicorn's settings for `make serve` and production: `gunicorn -c gunicorn.conf.py`.

Each value can be overridden from the environment (PORT, HOST, WEB_CONCURRENCY, ...).
"""

import os

# The cores this process may use (a container's CPU set, not the host's count).
cores = len(os.sched_getaffinity(0))

wsgi_app = "serving.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Synchronous workers, two per core plus one: a page waits on PostgreSQL and Redis a good part
# of its time, and one more worker keeps a core busy while another waits. Each worker is one
# Python process (about 60 MiB at 100,000 articles, bench/web.py), so memory bounds this too.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * cores + 1))
# Loaded once before forking: workers share the code's memory and start faster.
preload_app = True
# Recycled now and then, jittered so they never all restart at once: a slow leak in any
# library cannot grow a worker without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Behind a load balancer that reuses connections.
keepalive = 5
# Heartbeat files in memory, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm"
# The proxy in front keeps the access log; gunicorn logs errors only.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "warning").lower()
