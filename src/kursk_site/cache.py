"""The persistent build cache in SOURCE/.kursk-cache: what earlier builds parsed and wrote, keyed by digests.

Everything here is an optimisation: a missing, stale or damaged cache only makes the build slower. Keys are digests
of everything a result depends on, so a build that uses the cache gives the bytes a cold build gives.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import secrets
import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

from kursk_site import __version__
from kursk_site.articlestore import FOLDER as ARTICLES
from kursk_site.articlestore import TABLE, DataFile, Location, read_articles, read_table, save_table
from kursk_site.atomic import write_atomic
from kursk_site.codec import FORMAT, OtherFormat, decode, encode, pack, unpack
from kursk_site.model import Article
from kursk_site.pagestore import LoadedPlan, Stored, StoredPage
from kursk_site.planfile import plan_pieces, read_plan
from kursk_site.stamps import FileStamp
from kursk_site.values import Value
from kursk_site.writer.swap import folder_lock

CACHE_DIR = ".kursk-cache"
"""Beside content/ in the site folder; safe to delete at any time."""
INDEX = "index.bin"
HEAD = "head.bin"
"""What a build with nothing to do reads: the tool, the stamp of the inputs and the summary (see CacheHead)."""
PLAN = "plan.bin"
"""Every page of the last build that planned the site's pages, stored (see planfile.plan_pieces)."""
FORMER = ("shards", "parsed.bin")
"""Where earlier versions stored articles: removed when articles are stored (see articlestore)."""


def tool_fingerprint(package_dir: Path) -> str:
    """The version and the code of this kursk-site: a cache made by any other code is stale."""
    digest = hashlib.blake2b(f"{__version__}:{FORMAT}:{sys.version}".encode(), digest_size=16)
    for path in sorted(package_dir.rglob("*.py")):
        digest.update(path.relative_to(package_dir).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def digest_bytes(*parts: bytes | str) -> str:
    """Digest of the parts, each with its length (SHA-256, 128 bits kept: see writer.manifest.content_digest; it digests
    every article file)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()[:32]


class ArticleEntry(NamedTuple):
    stamp: FileStamp
    content: str
    """Digest of the file's bytes."""
    key: str
    """Digest of the file's bytes, its path, the settings and the tool: names the stored Article."""


class PageEntry(NamedTuple):
    key: str
    """Digest of everything the page shows and the templates that draw it."""
    output: str
    """Digest of the bytes written for it (as the output folder's manifest records them)."""


@dataclass(frozen=True, slots=True, repr=False)
class CacheIndex(Value):
    """What the last successful build read and wrote."""

    tool: str
    inputs: str = ""
    """Digest of every input file's stamp and the build options; equal means nothing changed."""
    summary: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    """pages, files, bytes, articles, articles left out of that build, to report a build that had nothing to do."""
    articles: Mapping[str, ArticleEntry] = field(default_factory=dict)
    """By the article's path as shown in messages."""
    pages: Mapping[str, PageEntry] = field(default_factory=dict)
    """By output path."""
    templates: Mapping[str, bytes] = field(default_factory=dict)
    """Compiled templates, as Jinja's bytecode cache keeps them (checked against the source when loaded)."""
    now_range: tuple[datetime | None, datetime | None] = (None, None)
    """The build dates that select the same articles as that build (see schedule.same_selection)."""
    whole_site: Mapping[str, bool] = field(default_factory=dict)
    """Whether a template reads the whole site, by template digest and name (see render.reads_whole_site)."""
    others: str = ""
    """Digest of the stamps of every input but the article files, and of the build options (see build.others)."""
    plan: str = ""
    """Names the stored page plan that goes with this index (empty for none)."""
    output: str = ""
    """Digest of the manifest this build wrote into the output folder (see writer.manifest.output_manifest)."""
    settings: bytes = b""
    """The settings this build read from site.yaml, timeline.yaml and entities.yaml, packed (see
    edits.store_settings): a rebuild whose `others` are this build's takes them from here (empty: none kept)."""


@dataclass(frozen=True, slots=True, repr=False)
class CacheHead(Value):
    """The part of the index a build reads first: enough to tell that nothing changed, and to report it."""

    tool: str
    inputs: str
    summary: tuple[int, int, int, int, int]
    now_range: tuple[datetime | None, datetime | None]
    output: str
    """Digest of the manifest that build wrote into the output folder: the output must still be that build's
    (a later build may have written the output and failed to record its own head)."""


def read_head(folder: Path, tool: str) -> CacheHead | None:
    """The head of the cache in `folder`, or None when it is missing, unreadable, damaged or of another tool."""
    try:
        head = decode((folder / HEAD).read_bytes())
    except Exception:  # any problem: the build goes on and reads the whole cache, which reports it
        return None
    return head if isinstance(head, CacheHead) and head.tool == tool else None


@dataclass(frozen=True, slots=True, repr=False)
class Cache(Value):
    """An open cache folder (or none, for --no-cache): the index read from it and why it was not usable."""

    folder: Path | None
    index: CacheIndex
    warnings: tuple[str, ...] = ()
    tables: list[dict[str, Location]] = field(default_factory=list, compare=False)
    """The table of stored articles, once read (see stored)."""
    damage: list[str] = field(default_factory=list, compare=False)
    """What the build found damaged in the cache as it read it (see damaged)."""

    def stored(self) -> dict[str, Location]:
        """Where each stored article is (read once per build; {} without a cache)."""
        if not self.tables:
            table = read_table(self.folder) if self.folder is not None else {}
            if table is None:
                self.note(f"{ARTICLES}/{TABLE} is damaged; the articles it names are parsed again")
            self.tables.append(table or {})
        return self.tables[0]

    def note(self, what: str) -> None:
        """Note damage found in the cache (`what`: a file of the cache, what is wrong, what the build does)."""
        if self.folder is not None:
            self.damage.append(f"the build cache {self.folder.name}/{what}")

    def damaged(self) -> tuple[str, ...]:
        """The warnings of the cache: why its index was not usable, and the damage noted since, each once."""
        return tuple(dict.fromkeys((*self.warnings, *self.damage)))


@contextlib.contextmanager
def cache_lock(folder: Path | None) -> Iterator[None]:
    """One build at a time reads and writes a site's build cache, whatever its output folder: a lock on the cache's
    folder. Raises BuildBusy when another build holds it."""
    try:
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # (a cache that cannot be made: writing it says so, and the build goes on)
        folder = None
    if folder is None or not folder.is_dir():
        yield
        return
    with folder_lock(folder, f"another kursk-site build of this site is using its build cache ({folder.name}/)"):
        yield


def open_cache(folder: Path | None, tool: str) -> Cache:
    """Read the cache index; anything unreadable gives an empty index and a warning (the build goes cold)."""
    empty = CacheIndex(tool)
    if folder is None:
        return Cache(None, empty)
    path = folder / INDEX
    shown = f"{folder.name}/{INDEX}"  # relative to the site folder, where the cache lives
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Cache(folder, empty)
    except OSError as e:
        return Cache(folder, empty, (f"cannot read the build cache {shown}: {e.strerror or e}; building from scratch",))
    try:
        index = _index_from_plain(decode(data))
    except OtherFormat:  # written by another version of kursk-site: stale, not damaged
        return Cache(folder, empty)
    except Exception:
        return Cache(folder, empty, (f"the build cache {shown} is damaged or not kursk-site's; building from scratch",))
    if index.tool != tool:  # another version of kursk-site: stale, not damaged
        return Cache(folder, empty)
    cache = Cache(folder, index)
    if _head_damaged(folder):  # (a damaged head only made this build go past the check for nothing changed)
        cache.note(f"{HEAD} is damaged; it is written again")
    return cache


def _head_damaged(folder: Path) -> bool:
    try:
        return not isinstance(decode((folder / HEAD).read_bytes()), CacheHead)
    except (FileNotFoundError, OtherFormat):  # none (a build removes it first), or another version's
        return False
    except Exception:
        return True


def _plain_index(index: CacheIndex) -> tuple[object, ...]:
    """The index as plain values, its entries in columns (a list of each field): pickled without a memo and
    loaded back several times faster than its named tuples (see _index_from_plain)."""
    paths, entries = list(index.articles), list(index.articles.values())
    articles = (
        paths,
        [e.stamp.size for e in entries],
        [e.stamp.mtime_ns for e in entries],
        [e.stamp.inode for e in entries],
        [e.stamp.ctime_ns for e in entries],
        [e.content for e in entries],
        [e.key for e in entries],
    )
    pages = (list(index.pages), [e.key for e in index.pages.values()], [e.output for e in index.pages.values()])
    return (
        index.tool,
        index.inputs,
        index.summary,
        articles,
        pages,
        dict(index.templates),
        index.now_range,
        dict(index.whole_site),
        index.others,
        index.plan,
        index.output,
        index.settings,
    )


def _index_from_plain(value: Any) -> CacheIndex:
    """The CacheIndex `_plain_index` made `value` from; raises ValueError (or TypeError) for anything else."""
    tool, inputs, summary, articles, pages, templates, now_range, whole_site, others, plan, output, settings = value
    paths, sizes, mtimes, inodes, ctimes, contents, keys = articles
    page_paths, page_keys, outputs = pages
    if len({len(column) for column in articles}) != 1 or len({len(column) for column in pages}) != 1:
        raise ValueError("not an index")
    made = tuple.__new__  # each entry made in C (a named tuple's own constructor is a Python call, 24,000 of them)
    stamps = map(made, repeat(FileStamp), zip(sizes, mtimes, inodes, ctimes))
    return CacheIndex(
        tool,
        inputs,
        tuple(summary),
        dict(zip(paths, map(made, repeat(ArticleEntry), zip(stamps, contents, keys)))),
        dict(zip(page_paths, map(made, repeat(PageEntry), zip(page_keys, outputs)))),
        templates,
        now_range,
        whole_site,
        others,
        plan,
        output,
        settings,
    )


def load_article(cache: Cache, key: str) -> Article | None:
    """The Article stored under `key`, or None when it is missing or unreadable (it is parsed again)."""
    return load_articles(cache, (key,)).get(key)


def _article(data: bytes) -> Article | None:
    try:
        article = unpack(data)
    except Exception:
        return None
    return article if isinstance(article, Article) else None


def load_articles(cache: Cache, keys: Iterable[str]) -> dict[str, Article]:
    """The Articles stored under `keys` (those missing or unreadable left out)."""
    if cache.folder is None:
        return {}
    table = cache.stored()
    wanted = [key for key in keys if key in table]
    found: dict[str, Article] = {}
    for key, data in read_articles(cache.folder, table, wanted):
        article = _article(data)
        if article is not None:
            found[key] = article
    if len(found) < len(wanted):
        lost = len(wanted) - len(found)
        cache.note(
            f"{ARTICLES}/ is damaged: {lost} stored article{'s' if lost != 1 else ''} cannot be read; parsed again"
        )
    return found


def save_articles(
    cache: Cache,
    entries: Mapping[str, ArticleEntry],
    new_articles: Mapping[str, Article],
    spooled: Mapping[str, Location] | None = None,
) -> tuple[str, ...]:
    """Store the newly parsed articles and drop those that `entries` (the next index's) no longer use; returns
    warnings. Call drop_head first: until save_index writes a new head, no build takes the cache as current.

    `spooled`: where a Spool of this build stored articles already (those it lacks are packed here).
    """
    if cache.folder is None:
        return ()
    spooled = spooled or {}
    old = cache.stored() if cache.index.articles else {}
    table: dict[str, Location] = {}
    missing: list[str] = []
    for entry in entries.values():
        if entry.key in spooled:
            table[entry.key] = spooled[entry.key]
        elif entry.key in new_articles:
            missing.append(entry.key)
        elif entry.key in old:
            table[entry.key] = old[entry.key]
    try:
        if missing:
            with DataFile(cache.folder) as data:
                data.add((key, pack(new_articles[key])) for key in missing)
            if data.error is not None:
                raise data.error
            table.update(data.locations)
        save_table(cache.folder, table)
        for name in FORMER:
            _remove(cache.folder / name)
    except OSError as e:
        return (_cannot_write(cache.folder, e),)
    return ()


class Spool:
    """The articles that worker processes packed while a build loads them, stored as they come (see
    articlestore.DataFile), so that storing them (save_articles) need not pack each again, and the build need not
    hold the bytes."""

    def __init__(self, cache: Cache) -> None:
        self._data = DataFile(cache.folder) if cache.folder is not None else None

    def add(self, articles: Sequence[tuple[str, bytes]]) -> None:
        """Store packed articles: (cache key, bytes as codec.pack makes them)."""
        if self._data is not None and articles:
            self._data.add(articles)

    def close(self) -> None:
        if self._data is not None:
            self._data.close()

    @property
    def stored(self) -> Mapping[str, Location]:
        """Where each article added is stored."""
        return self._data.locations if self._data is not None else {}


def drop_head(cache: Cache) -> None:
    """Remove the cache head, so that no build takes the cache as current until save_index writes a new one."""
    if cache.folder is not None:
        with contextlib.suppress(OSError):  # an unwritable cache folder is reported when the articles are stored
            (cache.folder / HEAD).unlink(missing_ok=True)


def save_plan(cache: Cache, shape: Stored, pages: Iterable[StoredPage]) -> str:
    """Store the page plan of the build under way, its pages taken from `pages` as they come; returns the token
    the index must name for a later build to use it ("" when there is no cache or it cannot be written: the
    articles' storing reports that; the pages not taken then are left in `pages`). Call drop_head first."""
    if cache.folder is None:
        return ""
    token = secrets.token_hex(16)
    try:
        write_atomic(cache.folder / PLAN, plan_pieces(token, shape, pages))
    except OSError:
        with contextlib.suppress(OSError):
            _remove(cache.folder / PLAN)  # (what stood in the way, e.g. a folder: the next build writes the plan)
        return ""
    return token


def save_index(cache: Cache, index: CacheIndex, output: str) -> tuple[str, ...]:
    """Store the index, then the head that tells the next build the cache is current for the output whose
    manifest has digest `output`; returns warnings."""
    if cache.folder is None:
        return ()
    index = dataclasses.replace(index, output=output)
    try:
        write_atomic(cache.folder / INDEX, encode(_plain_index(index), plain=True))
        head = CacheHead(index.tool, index.inputs, index.summary, index.now_range, output)
        write_atomic(cache.folder / HEAD, encode(head))
    except OSError as e:
        return (_cannot_write(cache.folder, e),)
    return ()


def spare_output(cache: Cache, out_dir: Path) -> Path | None:
    """Where the cache keeps the output before last of `out_dir`, for the writer to bring up to date (see
    writer.write_site); None without a cache."""
    if cache.folder is None:
        return None
    return _spare_in(cache.folder, out_dir)


def drop_spare(root: Path, out_dir: Path) -> None:
    """Remove the spare output that the cache of the source folder `root` keeps for `out_dir`: for an output that
    is gone for good (a preview's temporary folder), whose spare no build will take again."""
    spare = _spare_in(root / CACHE_DIR, out_dir)
    with contextlib.suppress(OSError):
        _remove(spare)


def _spare_in(folder: Path, out_dir: Path) -> Path:
    return folder / f"output-{digest_bytes(os.fsencode(out_dir.resolve()))[:16]}"


def load_plan(cache: Cache) -> LoadedPlan | None:
    """The stored page plan the index names, or None (missing, damaged, or of another build)."""
    if cache.folder is None or not cache.index.plan:
        return None
    try:
        return read_plan(cache.folder / PLAN, cache.index.plan)
    except ValueError as e:
        cache.note(f"{PLAN} is damaged ({e}); the pages are planned again")
        return None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _cannot_write(folder: Path, error: OSError) -> str:
    """The warning for a cache that could not be written; the cache is cleared first, so that what stood in the
    way (e.g. a file where the cache keeps a folder) is gone and the next build starts cold and writes it anew."""
    where = f"{folder.name}/"
    if isinstance(error.filename, str) and Path(error.filename).is_relative_to(folder):
        where = f"{folder.name}/{Path(error.filename).relative_to(folder).as_posix()}".rstrip("/.")
    try:
        if folder.is_symlink() or not folder.is_dir():
            folder.unlink(missing_ok=True)  # (a link: the link alone, never what it points to)
        else:
            for entry in folder.iterdir():
                _remove(entry)
    except OSError:
        return f"cannot write the build cache {where}: {error.strerror or error}; nor clear it: delete it by hand"
    return f"cannot write the build cache {where}: {error.strerror or error}; cleared, the next build starts cold"
