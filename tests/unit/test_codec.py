"""codec: kursk-site's values as bytes and back; nothing but its own values and plain types is ever loaded."""

from __future__ import annotations

import enum
import pickle
from datetime import UTC, datetime
from pathlib import PurePosixPath

import pytest

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


def test_an_enum_is_stored_as_its_class_and_value_whatever_the_python(monkeypatch: pytest.MonkeyPatch) -> None:
    # Python 3.11.0 to 3.11.3 (Debian 12's 3.11.2) pickle an enum as a call of getattr, which the loader refuses
    def by_getattr(self: enum.Enum, protocol: int) -> tuple[object, ...]:
        return getattr, (type(self), self.name)

    monkeypatch.setattr(enum.Enum, "__reduce_ex__", by_getattr)
    block = Block(BlockKind.HEADING, "<h2>A</h2>", "A", 3, 2)
    assert unpack(pack(block)) == block
