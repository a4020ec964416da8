"""Where the page cache keeps pages: the shared cache (Redis), with each worker's own memory in
front of it.

One number in the shared cache, the generation, stands for "everything readers can see as of
now" (serving/invalidation.py moves it on). A page is stored with the generation it was built
under and served only while that is still the current one.

Each worker also keeps the pages it served last, and trusts the generation it last read for
PAGE_CACHE_LOCAL_SECONDS: most hits then cost no round trip to Redis at all, only a dictionary
lookup. A change reaches the worker that made it at once, and every other worker and server
within that second.
"""

import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "pagecache:generation"
# Pages kept in each worker's memory: the front page, sections and the stories being read now
# (a few hundred kilobytes compressed, against a worker's ~60 MiB).
LOCAL_PAGES = 200


class PageStore:
    def __init__(self):
        self._pages: OrderedDict[str, dict] = OrderedDict()
        self._generation: int | None = None
        self._generation_read_at = 0.0
        # gunicorn's threaded workers share one store between threads.
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[int, dict | None]:
        """The current generation and the page stored under `key` for it, if any.
        Raises what the shared cache raises when it is unreachable."""
        now = time.time()
        with self._lock:
            generation = self._generation
            if now - self._generation_read_at > settings.PAGE_CACHE_LOCAL_SECONDS:
                generation = None
            entry = self._pages.get(key)
            if entry is not None:
                self._pages.move_to_end(key)
        if generation is None or not self._usable(entry, generation, now):
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY, 0)
            entry = found.get(key)
            with self._lock:
                self._generation, self._generation_read_at = generation, now
            if entry is not None:
                self._keep(key, entry)
        return generation, entry if self._usable(entry, generation, now) else None

    def generation(self) -> int:
        """The current generation, as this worker last read it if that was less than
        PAGE_CACHE_LOCAL_SECONDS ago. Raises what the shared cache raises when it is unreachable."""
        now = time.time()
        with self._lock:
            fresh = now - self._generation_read_at <= settings.PAGE_CACHE_LOCAL_SECONDS
            if self._generation is not None and fresh:
                return self._generation
        generation = cache.get(GENERATION_KEY, 0)
        with self._lock:
            self._generation, self._generation_read_at = generation, now
        return generation

    def put(self, key: str, entry: dict, seconds: int) -> None:
        self._keep(key, entry)
        cache.set(key, entry, seconds)

    def next_generation(self) -> None:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            # Missing (first change, or evicted): any fresh value works, since no entry holds it.
            cache.set(GENERATION_KEY, 1, timeout=None)
        with self._lock:
            self._generation = None

    def clear_local(self) -> None:
        with self._lock:
            self._pages.clear()
            self._generation = None

    def _keep(self, key: str, entry: dict) -> None:
        with self._lock:
            self._pages[key] = entry
            self._pages.move_to_end(key)
            while len(self._pages) > LOCAL_PAGES:
                self._pages.popitem(last=False)

    @staticmethod
    def _usable(entry: dict | None, generation: int, now: float) -> bool:
        return (
            entry is not None
            and entry["generation"] == generation
            and now - entry["built"] < settings.PAGE_CACHE_SECONDS
        )


pages = PageStore()
