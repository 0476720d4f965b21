"""Page values kept between builds as bytes, with the articles they show as references; and page keys made of them.

Each page's value is pickled with what it shares with the rest of the site as references: an article by its file,
a part by its file and position, a topic or an entity by its place in the site, the settings. The page's key is
the digest of those bytes and of what each reference stands for in this build (an article's cache key, a topic's
digest): it changes exactly when what the page shows does. Loading the bytes back, with each reference resolved
to what it stands for now, gives the page value again without planning the site's pages.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import struct
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from kursk_site.codec import SafeUnpickler, ValuePickler
from kursk_site.errors import Unavailable
from kursk_site.model import Article, EntityIndex, Site, TopicIndex
from kursk_site.values import Value

Ref = tuple[str, ...]
"""("article", path), ("part", path, position), ("topic", n), ("index", n) for an entity's index, ("entity", n),
("config",)."""


@dataclass(frozen=True, slots=True, repr=False)
class Stored(Value):
    """A value as bytes, with the references met in it, in order."""

    data: bytes
    refs: tuple[Ref, ...]


@dataclass(frozen=True, slots=True, repr=False)
class StoredPage(Value):
    path: str
    """Output path."""
    template: str
    value: Stored


@dataclass(frozen=True, slots=True, repr=False)
class PagePlan(Value):
    """Every page of a build, stored, and the shape of its site (see site_shape)."""

    shape: Stored
    pages: tuple[StoredPage, ...]

    def shown_on(self) -> dict[str, bytes]:
        """The pages (by position) that show each article (by path), through a reference to it or its parts: each
        article's page numbers as bytes (see page_numbers), which a rebuild loads five times faster than tuples of
        numbers, and it reads those of the edited articles alone."""
        shown = ShownOn()
        for number, page in enumerate(self.pages):
            shown.add(number, page.value.refs)
        return shown.packed()


class ShownOn:
    """The pages that show each article, gathered page by page (see PagePlan.shown_on)."""

    def __init__(self) -> None:
        self._found: dict[str, dict[int, None]] = {}

    def add(self, number: int, refs: Sequence[Ref]) -> None:
        """Page `number` shows what `refs` refer to."""
        for ref in refs:
            if ref[0] in ("article", "part"):
                self._found.setdefault(ref[1], {})[number] = None

    def packed(self) -> dict[str, bytes]:
        return {path: struct.pack(f"<{len(numbers)}I", *numbers) for path, numbers in self._found.items()}


def page_numbers(packed: bytes) -> tuple[int, ...]:
    """The page numbers PagePlan.shown_on packed (4 bytes each, little-endian)."""
    return struct.unpack(f"<{len(packed) // 4}I", packed)


@dataclass(frozen=True, slots=True, repr=False)
class LoadedPlan(Value):
    """A PagePlan as a later build reads it back: each page's value loaded only when asked for."""

    shape: Stored
    paths: tuple[str, ...]
    """Output path of each page, in order."""
    templates: tuple[str, ...]
    """Template of each page, in order."""
    shown_on: Mapping[str, bytes]
    """See PagePlan.shown_on."""
    value: Callable[[int], Stored]
    """The stored value of the page at a position."""

    def page(self, number: int) -> StoredPage:
        return StoredPage(self.paths[number], self.templates[number], self.value(number))

    def showing(self, path: str) -> tuple[int, ...]:
        """The pages (by position) that show the article at `path`; raises Unavailable for a damaged entry."""
        packed = self.shown_on.get(path, b"")
        if not isinstance(packed, bytes) or len(packed) % 4:
            raise Unavailable(f"the stored plan's pages of {path}")
        return page_numbers(packed)


Known = Mapping[int, Ref]
"""The references of one site's values, by object id (the objects live as long as the build: ids are theirs)."""


def known_refs(site: Site, *, shared: bool = True) -> dict[int, Ref]:
    """References to the site's settings, articles, parts and entities, and with `shared` to its topics and
    entities' indexes (without, those are kept by value: for the site's own shape, see site_shape)."""
    refs: dict[int, Ref] = {id(site.config): ("config",)}
    for article in site.articles:
        path = article.origin.path
        refs[id(article)] = ("article", path)
        for number, part in enumerate(article.parts):
            refs[id(part)] = ("part", path, str(number))
    for number, index in enumerate(site.entities):
        refs[id(index.entity)] = ("entity", str(number))
        if shared:
            refs[id(index)] = ("index", str(number))
    if shared:
        for number, topic in enumerate(site.topics):
            refs[id(topic)] = ("topic", str(number))
    return refs


def store(value: object, known: Known) -> Stored:
    """`value` (frozen dataclasses, tuples, lists, dicts, text, numbers, dates, paths, enums) as bytes."""
    out = io.BytesIO()
    pickler = _Pickler(out, known)
    pickler.dump(value)
    return Stored(out.getvalue(), tuple(pickler.met))


def value_digest(value: object, known: Known | None = None) -> str:
    """Digest of `value` pickled as `store` does (references count by name alone)."""
    out = io.BytesIO()
    _Pickler(out, known or {}).dump(value)
    return hashlib.blake2b(out.getbuffer(), digest_size=16).hexdigest()


class Weights:
    """What each reference stands for in this build, as text that changes when it does."""

    def __init__(self, source_keys: Mapping[str, str], topics: Sequence[TopicIndex], entities: Sequence[EntityIndex]):
        """`source_keys`: the cache key of each article, by its path (it names the file, the settings, the tool)."""
        self.source_keys = source_keys
        known = {id(index.entity): ("entity", str(n)) for n, index in enumerate(entities)}
        self.shared: dict[Ref, str] = {
            **{("topic", str(n)): value_digest(t) for n, t in enumerate(topics)},
            **{("index", str(n)): value_digest(x, known) for n, x in enumerate(entities)},
        }

    def of(self, ref: Ref) -> str:
        kind = ref[0]
        if kind in ("article", "part"):
            return self.source_keys[ref[1]]
        if kind in ("entity", "config"):
            return ""  # part of what every page shows (see render.page_context)
        return self.shared[ref]


def key(weights: Weights, value: Stored, *context: str) -> str:
    """The digest of a stored value, what its references stand for, and `context` (e.g. the templates)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in context:
        digest.update(part.encode() + b"\0")
    digest.update(value.data)
    for ref in value.refs:
        digest.update(weights.of(ref).encode() + b"\0")
    return digest.hexdigest()


class _Pickler(ValuePickler):
    """Stores a known object (see known_refs) as a reference, anything else as ValuePickler does."""

    def __init__(self, out: io.BytesIO, known: Mapping[int, Ref]) -> None:
        super().__init__(out)
        self._known = known
        self.met: list[Ref] = []

    def reducer_override(self, obj: object) -> Any:
        """Called once for each object but text, numbers, tuples, lists, dicts and sets (pickle's memo answers
        for an object met again)."""
        ref = self._known.get(id(obj))
        if ref is not None:
            self.met.append(ref)
            return (_ref, ref)
        return super().reducer_override(obj)


def _ref(*ref: str) -> object:
    """Stands for a reference in stored bytes; a Loader answers it."""
    raise pickle.UnpicklingError("a stored reference read without a loader")


Resolve = Callable[[Ref], object]


def load(value: Stored, resolve: Resolve) -> Any:
    """The value `store` made `value` from, each reference resolved by `resolve`; raises Unavailable for bytes
    that cannot be loaded (anything but kursk-site's own values and plain types is refused)."""
    try:
        return _Unpickler(io.BytesIO(value.data), resolve).load()
    except Unavailable:
        raise
    except Exception as e:
        raise Unavailable(str(e)) from None


class _Unpickler(SafeUnpickler):
    def __init__(self, data: io.BytesIO, resolve: Resolve) -> None:
        super().__init__(data)
        self._resolve = resolve

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == (__name__, "_ref"):
            return self._answer
        return super().find_class(module, name)

    def _answer(self, *ref: str) -> object:
        return self._resolve(ref)


class LazyArticles(Sequence[Article]):
    """The site's articles, newest first, each loaded when first asked for."""

    def __init__(self, paths: Sequence[str], article: Callable[[str], Article]) -> None:
        self.paths = paths
        """The articles' paths, newest first."""
        self._article = article

    def __len__(self) -> int:
        return len(self.paths)

    @overload
    def __getitem__(self, index: int) -> Article: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Article, ...]: ...

    def __getitem__(self, index: int | slice) -> Article | tuple[Article, ...]:
        if isinstance(index, slice):
            return tuple(self._article(path) for path in self.paths[index])
        return self._article(self.paths[index])

    def __iter__(self) -> Iterator[Article]:
        return (self._article(path) for path in self.paths)


class LazyBySlug(Mapping[str, Article]):
    """The site's articles by slug, each loaded when first asked for."""

    def __init__(self, paths: Mapping[str, str], article: Callable[[str], Article]) -> None:
        self._paths = paths
        self._article = article

    def __getitem__(self, slug: str) -> Article:
        return self._article(self._paths[slug])

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def site_shape(site: Site) -> tuple[object, ...]:
    """What a rebuild that reuses the page plan needs of the site besides the settings, the timeline and the
    entities (read again from their files): the articles in order (as references), the indexes, the related
    articles and the date of the latest change."""
    return (
        tuple((a.slug, a) for a in site.articles),
        site.topics,
        site.sources,
        site.entities,
        dict(site.related),
        site.updated,
    )
