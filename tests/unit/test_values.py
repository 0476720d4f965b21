"""The dataclasses' text form: made from the fields when asked for, as dataclass writes it."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from dataclasses import dataclass, field

import kursk_site
from kursk_site.errors import SourcePos
from kursk_site.values import Value


@dataclass(frozen=True, slots=True, repr=False)
class _Sample(Value):
    name: str
    count: int = 0
    hidden: str = field(default="secret", repr=False)


@dataclass(frozen=True, slots=True)
class _Compiled:
    name: str
    count: int = 0
    hidden: str = field(default="secret", repr=False)


def test_the_text_form_is_the_one_dataclass_writes() -> None:
    assert repr(_Sample("a", 2)) == repr(_Compiled("a", 2)).replace("_Compiled", "_Sample")
    assert repr(_Sample("a", 2)) == "_Sample(name='a', count=2)"
    assert repr(SourcePos("content/articles/a.md", 3)) == "SourcePos(path='content/articles/a.md', line=3)"


def test_nested_values_show_their_own_text() -> None:
    assert repr(_Sample("x", 1)) in repr((_Sample("x", 1),))
    assert repr(_Sample(str(SourcePos("a.md", 0)))) == "_Sample(name='a.md', count=0)"


def test_a_value_keeps_its_slots() -> None:
    sample = _Sample("a")
    assert not hasattr(sample, "__dict__")


def test_every_dataclass_of_the_package_takes_its_text_form_from_value() -> None:
    found = []
    for module_info in pkgutil.walk_packages(kursk_site.__path__, "kursk_site."):
        if module_info.name.endswith("__main__"):
            continue  # (importing it runs the command line)
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and dataclasses.is_dataclass(cls):
                found.append(cls)
                assert issubclass(cls, Value), cls
                assert "__repr__" not in vars(cls), f"{cls.__qualname__}: declare it with repr=False"
    assert len(found) > 50
