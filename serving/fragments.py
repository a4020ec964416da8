"""Pieces of reader pages that many requests share, kept rendered in each worker: the section
menu, and an article's related news and comments.

A fragment is kept under the page cache's generation (serving/pagecache.py): any change readers
could see retires every fragment at once, as it retires every page. FRAGMENT_CACHE_SECONDS
bounds what no save announces (comments closing with an article's age).

Unlike pages, fragments stay in the worker's own memory, never in the shared cache: a hit must
cost no round trip, and each worker builds a fragment once per change. They are what made a
built article page costly (bench/web.py --profile): the related-news cards, and the comment
form, which crispy-forms renders field by field.
"""

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings

from .pagecache import pages

logger = logging.getLogger(__name__)

# An article's related news and comments are about 10 KB of HTML: 500 of them, the stories
# being read now, are 5 MB of a worker's memory.
LOCAL_FRAGMENTS = 500


class FragmentStore:
    def __init__(self):
        self._fragments: OrderedDict[str, tuple[int, float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_build(self, key: str, build: Callable[[], str]) -> str:
        seconds = settings.FRAGMENT_CACHE_SECONDS
        if not seconds:
            return build()
        try:
            generation = pages.generation()
        except Exception:
            # A cache that is down costs readers speed, not the page.
            logger.warning("fragment cache unavailable", exc_info=True)
            return build()
        now = time.time()
        with self._lock:
            entry = self._fragments.get(key)
            if entry is not None:
                self._fragments.move_to_end(key)
        if entry is not None and entry[0] == generation and now - entry[1] < seconds:
            return entry[2]
        # `generation` was read before building: a change committed meanwhile retires this copy.
        html = build()
        with self._lock:
            self._fragments[key] = (generation, now, html)
            self._fragments.move_to_end(key)
            while len(self._fragments) > LOCAL_FRAGMENTS:
                self._fragments.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._fragments.clear()


fragments = FragmentStore()
