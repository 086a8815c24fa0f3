"""Rendered pages and descriptions kept for the dataset version they were made from.

Bounded by bytes (least recently used out first); any write to the store
changes the version, so nothing stale is ever served. ``page_cache = False``
in the settings turns it off (the benchmark compares both).
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from threading import Lock
from typing import Callable, TypeVar

from guidegraph.store.base import GraphStore

T = TypeVar("T")
DEFAULT_BUDGET = 64 * 1024 * 1024


class VersionedCache:
    """An LRU keyed by (dataset version, key), at most ``budget`` bytes of values."""

    def __init__(self, enabled: bool = True, budget: int = DEFAULT_BUDGET):
        self.enabled = enabled
        self.budget = budget
        self.used = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = Lock()

    @staticmethod
    def _size(value) -> int:
        if isinstance(value, (bytes, str)):
            return len(value)
        triples = getattr(value, "triples", None)  # a resource description
        return 300 * len(triples) if triples is not None else sys.getsizeof(value)

    def get_or_make(self, store: GraphStore, key, make: Callable[[], T], size: int | None = None) -> T:
        if not self.enabled or not store.tracks_version:
            return make()
        full = (store.version.token, store.version.counter, key)
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                return self._items[full][0]
        value = make()
        cost = size if size is not None else self._size(value)
        if cost > self.budget:
            return value
        with self._lock:
            if full not in self._items:
                self._items[full] = (value, cost)
                self.used += cost
            while self.used > self.budget:
                _, (_, freed) = self._items.popitem(last=False)
                self.used -= freed
        return value
