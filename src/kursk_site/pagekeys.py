"""Page keys: one digest of everything a page shows, so that a page whose key is unchanged is not rendered again."""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from typing import Any

from kursk_site.model import Article


class PageKeys:
    """Digests of page values in which every Article counts by its cache key, worked out once per build.

    A value is pickled with a dataclass reduced to its name and the fields that take part in equality, a known
    Article to its cache key (an Article is made from its file, the settings and the tool alone, which that key
    names) and a Part of one to that key and its position: the digest changes exactly when what a page shows does.
    """

    def __init__(
        self, articles: Iterable[Article], source_keys: Mapping[str, str], shared: Iterable[object] = ()
    ) -> None:
        """`shared` values appear in many pages (e.g. a topic with the list of its articles): each is digested once."""
        self._known: dict[int, tuple[str, str]] = {}
        self._fields: dict[type, tuple[str, ...] | None] = {}
        for article in articles:
            key = source_keys[article.origin.path]  # names the file, the settings and the tool the article came from
            self._known[id(article)] = ("article", key)
            for number, part in enumerate(article.parts):
                self._known[id(part)] = ("part", f"{key}:{number}")
        for value in shared:
            digest = self.key(value)
            self._known[id(value)] = ("shared", digest)

    def key(self, *values: object) -> str:
        """Digest of `values` (frozen dataclasses, tuples, mappings, text, numbers, dates, paths, enums)."""
        out = io.BytesIO()
        _KeyPickler(out, self._known, self._fields).dump(values)
        return hashlib.blake2b(out.getbuffer(), digest_size=16).hexdigest()


class _KeyPickler(pickle.Pickler):
    """The pickler behind PageKeys (its C implementation walks a page value many times faster than Python can)."""

    def __init__(
        self, out: io.BytesIO, known: Mapping[int, tuple[str, str]], names: dict[type, tuple[str, ...] | None]
    ) -> None:
        super().__init__(out, protocol=5)
        self._known = known
        self._names = names

    def reducer_override(self, obj: object) -> Any:
        """Called for every object but text, numbers, tuples, lists, dicts and sets (page values hold no sets,
        whose order would change from one run to the next)."""
        known = self._known.get(id(obj))  # known objects stay alive during the build: their ids are theirs alone
        if known is not None:
            return (_record, known)
        kind = type(obj)
        names = self._names.get(kind, ())
        if names == ():
            names = self._names[kind] = tuple(f.name for f in fields(kind) if f.compare) if is_dataclass(kind) else None
        if names is not None:
            return (_record, (kind.__qualname__, *(getattr(obj, name) for name in names)))
        if isinstance(obj, Mapping):
            return (_record, ("mapping", *obj.items()))
        return NotImplemented


def _record(*fields: object) -> tuple[object, ...]:
    """What a dataclass or mapping is pickled as in a page key (never unpickled)."""
    return fields
