"""Reads of anonymous GET requests go to a read replica; everything else to the primary.

A replica lags the primary by a moment. Readers never notice; an editor would (a story just
saved, then shown without the edit), and a write must never go to a copy. So the primary is the
default, and only ReplicaMiddleware lets a request use the replicas: a GET or HEAD without a
session cookie, which is how every reader and no signed-in user arrives (the admin, previews and
the editorial pages all need a session). Management commands, cron jobs and the shell, outside
any request, use the primary.
"""

import random
from contextvars import ContextVar

from django.conf import settings

_use_replicas: ContextVar[bool] = ContextVar("use_replicas", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _use_replicas.get() and settings.DATABASE_REPLICAS:
            return random.choice(settings.DATABASE_REPLICAS)
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replicas hold the same rows: an object read from one may point at one from another.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas copy the primary's schema; migrating them directly would fail or diverge.
        return db == "default"


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reader = request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES
        token = _use_replicas.set(reader)
        try:
            return self.get_response(request)
        finally:
            _use_replicas.reset(token)
