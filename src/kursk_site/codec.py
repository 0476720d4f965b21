"""kursk-site's values as bytes and back: frozen dataclasses stored as calls of their class, loaded by an unpickler
that refuses anything but kursk-site's own values and plain types; and the framing of a cache file (a magic
line, the format version, a checksum)."""

from __future__ import annotations

import enum
import functools
import importlib
import io
import operator
import pickle
import zlib
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any

MAGIC = b"kursk-site cache\n"
FORMAT = 14
"""Changes whenever what a cache file holds changes: a file of another format is stale, not damaged."""


def pack(value: object) -> bytes:
    """kursk-site values as bytes that `unpack` loads quickly (also used between worker processes)."""
    out = io.BytesIO()
    ValuePickler(out).dump(value)
    return out.getvalue()


def unpack(data: bytes | memoryview) -> Any:
    """The value `pack` stored; only kursk-site's own values and plain types are loaded."""
    return SafeUnpickler(io.BytesIO(data)).load()


def encode(value: object, *, plain: bool = False) -> bytes:
    """`value` framed as a cache file. `plain`: a value of text, numbers, bytes and containers of them, with no
    part met twice (e.g. the index's columns), pickled without pickle's memo of every object met: some five times
    faster for a hundred thousand strings."""
    payload = _pack_plain(value) if plain else pack(value)
    header = MAGIC + FORMAT.to_bytes(4, "little") + zlib.crc32(payload).to_bytes(4, "little")
    return header + payload


def _pack_plain(value: object) -> bytes:
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=5)
    pickler.fast = True  # no memo (deprecated for values with shared or recursive parts, which `plain` rules out)
    pickler.dump(value)
    return out.getvalue()


def decode(data: bytes) -> Any:
    """The value stored by `encode`; raises ValueError for anything else (a damaged or foreign file)."""
    start = len(MAGIC) + 4 + 4
    if not data.startswith(MAGIC):
        raise ValueError("not a kursk-site cache file")
    if int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "little") != FORMAT:
        raise OtherFormat()
    payload = memoryview(data)[start:]
    if zlib.crc32(payload) != int.from_bytes(data[start - 4 : start], "little"):  # catches a damaged file
        raise ValueError("checksum mismatch")
    return unpack(payload)


class OtherFormat(ValueError):
    """A cache file of another format version."""


class ValuePickler(pickle.Pickler):
    """Stores a dataclass as a call of its class with its fields, which loads several times faster than the
    default for frozen, slotted dataclasses (that one looks up the field list again for every object)."""

    def __init__(self, out: io.BytesIO) -> None:
        super().__init__(out, protocol=5)

    def reducer_override(self, obj: object) -> Any:
        """Called for every object but text, numbers, tuples, lists, dicts and sets (page values hold no sets,
        whose order would change from one run to the next)."""
        kind: Any = type(obj)
        getter = _fields_getter(kind)
        if getter is None:
            return NotImplemented
        return (kind, getter(obj))


@functools.lru_cache(maxsize=256)  # a class's fields never change; a build packs values one at a time, by the 10,000
def _fields_getter(kind: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """A function giving the fields of a kursk-site dataclass (see init_fields) as a tuple, made in C; for a
    kursk-site enum, its value (stored as a call of its class with it, whatever the Python: 3.11.0 to 3.11.3
    pickle an enum as a call of getattr, which SafeUnpickler refuses)."""
    if issubclass(kind, enum.Enum) and kind.__module__.startswith("kursk_site."):
        return _enum_value
    names = init_fields(kind)
    if names is None:
        return None
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda obj: (one(obj),)
    if not names:
        return lambda obj: ()
    return operator.attrgetter(*names)


def _enum_value(member: enum.Enum) -> tuple[Any, ...]:
    return (member.value,)


def init_fields(kind: type) -> tuple[str, ...] | None:
    """The fields of a kursk-site dataclass whose constructor takes them all, else None."""
    if not kind.__module__.startswith("kursk_site.") or not is_dataclass(kind):
        return None
    found = fields(kind)
    return tuple(f.name for f in found) if all(f.init for f in found) else None


class SafeUnpickler(pickle.Unpickler):
    """Loads only kursk-site's own values and the plain types they hold, never arbitrary callables."""

    def find_class(self, module: str, name: str) -> Any:
        return allowed_class(module, name)


@functools.lru_cache(maxsize=256)  # values are loaded by the 10,000, and finding a class anew takes ~7 us
def allowed_class(module: str, name: str) -> Any:
    """The class `module`.`name` when a stored value may hold it: a class kursk-site defines (its own, not one a
    module of it imports or holds), or one of SAFE_GLOBALS."""
    if (module, name) in SAFE_GLOBALS:
        return getattr(importlib.import_module(module), name)
    if module.startswith("kursk_site.") and name.isidentifier():
        found = getattr(importlib.import_module(module), name, None)
        if isinstance(found, type) and found.__module__ == module:
            return found
    raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the build cache")


SAFE_GLOBALS = frozenset(
    {
        ("datetime", "datetime"),
        ("datetime", "date"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        ("pathlib", "PurePosixPath"),
        ("copyreg", "_reconstructor"),
        ("builtins", "object"),
        ("builtins", "frozenset"),
        ("builtins", "set"),
    }
)
