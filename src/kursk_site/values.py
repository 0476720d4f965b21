"""The base of kursk-site's dataclasses: their text form (`repr`) made from the fields when asked for.

`dataclass` compiles a `__repr__` for each class as its module is imported (~0.5 ms a class, through `exec`: some
30 ms at the start of every build, which a rebuild after one edit pays in full, for text only a debugger shows).
The classes say `repr=False` and inherit this one, which gives the same text.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, cast


class Value:
    """Base of a dataclass declared with `repr=False`: `Name(field=value, ...)`, as dataclass writes it."""

    __slots__ = ()

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(cast(Any, self)) if f.repr)
        return f"{type(self).__qualname__}({shown})"
