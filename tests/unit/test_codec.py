"""codec: kursk-site's values as bytes and back; nothing but its own values and plain types is ever loaded."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import pytest

from kursk_site.cache import (
    INDEX,
    ArticleEntry,
    CacheIndex,
    FileStamp,
    PageEntry,
    _index_from_plain,
    _plain_index,
    open_cache,
)
from kursk_site.codec import decode, encode, pack, unpack
from kursk_site.model import Block, BlockKind, Topic


def global_then_call(module: str, name: str, argument: str) -> bytes:
    """A pickle that finds `module`.`name` and calls it with `argument` (protocol 4's STACK_GLOBAL)."""
    frame = (
        pickle.SHORT_BINUNICODE
        + bytes([len(module)])
        + module.encode()
        + pickle.SHORT_BINUNICODE
        + bytes([len(name)])
        + name.encode()
        + pickle.STACK_GLOBAL
        + pickle.SHORT_BINUNICODE
        + bytes([len(argument)])
        + argument.encode()
        + pickle.TUPLE1
        + pickle.REDUCE
        + pickle.STOP
    )
    return pickle.PROTO + bytes([4]) + frame


def test_values_come_back_equal() -> None:
    value = (
        Block(BlockKind.PARAGRAPH, "<p>x</p>", "x", 3),
        Topic("Kursk", "kursk", 2),
        datetime(2024, 11, 2, 8, tzinfo=UTC),
        PurePosixPath("articles/a.html"),
        {"a": [1, 2.5, None, True]},
    )
    assert unpack(pack(value)) == value
    assert unpack(pack(value)) == value  # (a second time: the classes found are remembered)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("os", "system"),  # not kursk-site's
        ("builtins", "eval"),
        ("kursk_site.writer", "os.system"),  # reached through a module of kursk-site
        ("kursk_site.writer", "shutil"),  # a module it imports
        ("kursk_site.writer", "Path"),  # a class it imports
        ("kursk_site.codec", "pack"),  # a function of its own
        ("kursk_site.nowhere", "Thing"),
    ],
)
def test_nothing_but_kursk_sites_own_classes_and_plain_types_is_loaded(module: str, name: str) -> None:
    with pytest.raises((pickle.UnpicklingError, ImportError)):
        unpack(global_then_call(module, name, "echo loaded"))


def test_plain_values_framed_without_the_memo_come_back_equal() -> None:
    value = (["a", "b", "a"], [1, 2**40, -3], {"k": b"bytes"}, (datetime(2024, 11, 2, 8, tzinfo=UTC), None))
    assert decode(encode(value, plain=True)) == value


def test_an_index_whose_columns_disagree_is_damaged_and_the_build_goes_cold(tmp_path: Path) -> None:
    index = CacheIndex(
        "tool",
        articles={"content/articles/a.md": ArticleEntry(FileStamp(1, 2, 3), "c", "k")},
        pages={"index.html": PageEntry("k", "o")},
    )
    plain = _plain_index(index)
    assert _index_from_plain(plain) == index
    (tmp_path / INDEX).write_bytes(encode(plain, plain=True))
    assert open_cache(tmp_path, "tool").index == index
    articles = plain[3]
    assert isinstance(articles, tuple)
    broken = (*plain[:3], (articles[0], [], *articles[2:]), *plain[4:])
    (tmp_path / INDEX).write_bytes(encode(broken, plain=True))
    cache = open_cache(tmp_path, "tool")
    assert cache.index == CacheIndex("tool")
    assert any("damaged" in warning for warning in cache.damaged())
