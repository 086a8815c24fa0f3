"""Values kept for the dataset version they were made from: query results, rendered pages.

Bounded by bytes (least recently used out first). Every write changes the
store's version, so nothing stale is ever served; entries of an older version
can never be asked for again and are dropped as soon as a newer one is kept.
``enabled=False`` turns a cache off (the benchmarks compare both).
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from threading import Lock
from typing import Any, Callable, TypeVar

T = TypeVar("T")
DEFAULT_BUDGET = 64 * 1024 * 1024
MISSING = object()


class VersionedCache:
    """An LRU keyed by (dataset version, key), at most ``budget`` bytes of values."""

    def __init__(self, enabled: bool = True, budget: int = DEFAULT_BUDGET):
        self.enabled = enabled and budget > 0
        self.budget = budget
        self.used = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict = OrderedDict()
        self._version: tuple | None = None
        self._lock = Lock()

    @staticmethod
    def _size(value) -> int:
        if isinstance(value, (bytes, str)):
            return len(value)
        body = getattr(value, "body", None)  # a query answer
        if isinstance(body, bytes):
            return len(body) + 200
        triples = getattr(value, "triples", None)  # a resource description
        return 300 * len(triples) if triples is not None else sys.getsizeof(value)

    @staticmethod
    def _version_of(store) -> tuple | None:
        return store.cache_version()  # None: others may write behind our back, and nothing may be kept

    def lookup(self, store, key) -> Any:
        """The value kept for ``key`` at the store's current version, or MISSING."""
        version = self._version_of(store) if self.enabled else None
        if version is None:
            return MISSING
        full = (version, key)
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                self.hits += 1
                return self._items[full][0]
            self.misses += 1
        return MISSING

    def keep(self, store, key, value, size: int | None = None, version: tuple | None = None) -> None:
        """Keep ``value`` for ``key`` at ``version`` (default: the store's current one; pass the
        version read before making the value, so a write in between cannot mislabel it)."""
        version = version or (self._version_of(store) if self.enabled else None)
        if version is None:
            return
        cost = size if size is not None else self._size(value)
        if cost > self.budget:
            return
        full = (version, key)
        with self._lock:
            current = self._version
            if current is None or version[0] != current[0] or version[1] > current[1]:
                self._drop_older(version)
            elif version[1] < current[1]:
                return  # made from data a write has replaced since
            if full not in self._items:
                self._items[full] = (value, cost)
                self.used += cost
            while self.used > self.budget:
                _, (_, freed) = self._items.popitem(last=False)
                self.used -= freed

    def _drop_older(self, version: tuple) -> None:
        if self._version is not None and version[0] != self._version[0]:
            self._items.clear()  # another store (a new token): start over
            self.used = 0
        for full in [k for k in self._items if k[0][1] < version[1]]:
            self.used -= self._items.pop(full)[1]
        self._version = version

    def get_or_make(self, store, key, make: Callable[[], T], size: int | None = None) -> T:
        version = self._version_of(store) if self.enabled else None
        if version is None:
            return make()
        value = self.lookup(store, key)
        if value is not MISSING:
            return value
        value = make()
        self.keep(store, key, value, size, version)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.used = 0
