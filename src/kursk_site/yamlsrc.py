"""Safe YAML loading that keeps the line of every key and reports syntax errors with their line."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from kursk_site.errors import BuildFailed, ContentError
from kursk_site.values import Value

if TYPE_CHECKING:  # PyYAML is imported when a text needs the parser (see _loaders)
    import yaml

Path_ = tuple[Hashable, ...]


MAX_FLOW_DEPTH = 50
"""Deepest nesting of [ ] and { } read: PyYAML's scanner slows down with the square of the depth."""

PLAIN_TYPES: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    (
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"),
        tuple("yYnNtTfFoO"),
    ),
    (
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
            r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        tuple("-+0123456789."),
    ),
    (
        "tag:yaml.org,2002:int",
        re.compile(
            r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
            r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"
        ),
        tuple("-+0123456789"),
    ),
    ("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ("<",)),
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ("~", "n", "N", "")),
    ("tag:yaml.org,2002:value", re.compile(r"^(?:=)$"), ("=",)),
    ("tag:yaml.org,2002:yaml", re.compile(r"^(?:!|&|\*)$"), ("!", "&", "*")),
)
"""The types a plain scalar can read as, each with the characters it can start with: the implicit resolvers of
PyYAML's SafeLoader, in its order, but timestamps (dates stay text: we parse and check them ourselves). Written
out so that the front matter most articles have is read without importing PyYAML (~25 ms at every start); a test
checks them against PyYAML's own."""


def _by_first(
    types: Iterable[tuple[str, re.Pattern[str], tuple[str, ...]]],
) -> Mapping[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    """The types as PyYAML's resolver keeps them: by the first character of the scalar, in order."""
    found: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, firsts in types:
        for first in firsts:
            found.setdefault(first, []).append((tag, pattern))
    return MappingProxyType({first: tuple(found_types) for first, found_types in found.items()})


PLAIN_BY_FIRST = _by_first(PLAIN_TYPES)
BOOL_VALUES = MappingProxyType({"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False})
"""What a scalar of the bool type reads as (by its lower-case text), as PyYAML's SafeConstructor has it."""


@functools.cache
def _loaders() -> tuple[type[Any], type[Any] | None]:
    """The YAML loaders: SafeLoader that leaves dates as strings (we parse and check them ourselves) and limits
    [ ] { } nesting; and the same rules on libyaml's parser, several times faster, where PyYAML has it (errors are
    reported by the pure loader). Made once, when a text first needs the parser."""
    import yaml

    class _Loader(yaml.SafeLoader):
        def fetch_flow_collection_start(self, TokenClass: Any) -> None:  # noqa: N803 (PyYAML's name)
            if self.flow_level >= MAX_FLOW_DEPTH:
                problem = f"lists or mappings nested more than {MAX_FLOW_DEPTH} deep"
                raise yaml.scanner.ScannerError(None, None, problem, self.get_mark())
            super().fetch_flow_collection_start(TokenClass)

    _Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    if not getattr(yaml, "__with_libyaml__", False):
        return _Loader, None

    class _CLoader(yaml.CSafeLoader):
        pass

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    return _Loader, _CLoader


@dataclass(frozen=True, slots=True, repr=False)
class YamlDoc(Value):
    """Loaded YAML data plus the line (from 1) of every mapping key and sequence item."""

    data: Any
    lines: dict[Path_, int]
    first_line: int

    def line(self, *path: Hashable) -> int:
        """The line of the deepest known node on `path`."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.first_line


def load_yaml(text: str, path: str, first_line: int = 1) -> YamlDoc:
    """Parse `text` (which starts at `first_line` of file `path`) into data and key lines."""
    simple = _load_simple(text, first_line)
    if simple is not None:
        return simple
    pure, fast = _loaders()
    if fast is not None:
        try:
            return _load(fast, text, path, first_line)
        except ContentError:
            pass  # report it as the pure loader words it, so messages do not depend on libyaml
    return _load(pure, text, path, first_line)


STR_TAG = "tag:yaml.org,2002:str"
BOOL_TAG = "tag:yaml.org,2002:bool"
SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*): +(.*?) *")
"""`key: value` at the start of a line."""
QUOTED = re.compile(r""""([^"\\]*)"|'([^']*)'""")
"""A quoted scalar with no escape or quote inside (its text is as written)."""
_ITEM = f"(?:{QUOTED.pattern}) *"
QUOTED_LIST = re.compile(rf"\[ *(?:{_ITEM}(?:, *{_ITEM})*)?\]")
"""A list of such quoted scalars in brackets, on one line."""
PLAIN = re.compile(r"[^\W_][^\t]*")
"""A plain scalar that starts with a letter or digit (no YAML indicator)."""
SPECIAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
"""A character YAML reads specially (tabs, line breaks other than `\\n`, the byte order mark) or refuses. (Written as
the few it is, not as the many others: compiled at every start, that set took 5 ms, this one 1.)"""


def _load_simple(text: str, first_line: int) -> YamlDoc | None:
    """The front matter most articles have, read without a YAML parser: `key: value` lines whose values are a
    quoted text without escapes, a list of such texts in brackets, or a plain word or phrase that reads as text or
    as true/false; blank and comment lines between. None for anything else (the YAML parser reads it): the result
    is always what the parser would give."""
    if SPECIAL.search(text):
        return None
    data: dict[str, Any] = {}
    lines: dict[Path_, int] = {}
    for number, line in enumerate(text.split("\n"), first_line):
        if not line or line.startswith("#"):
            continue
        match = SIMPLE_LINE.fullmatch(line)
        if match is None:
            return None
        key, written = match.groups()
        if key in data or _plain_tag(key) != STR_TAG or not written:
            return None
        value: Any
        if quoted := QUOTED.fullmatch(written):
            value = _quoted(quoted)
        elif written.startswith("["):
            if not QUOTED_LIST.fullmatch(written):
                return None
            value = [_quoted(item) for item in QUOTED.finditer(written)]
            for index in range(len(value)):
                lines[(key, index)] = number
        elif PLAIN.fullmatch(written) and ": " not in written and " #" not in written and written[-1] != ":":
            tag = _plain_tag(written)
            if tag == BOOL_TAG:
                value = BOOL_VALUES[written.lower()]
            elif tag == STR_TAG:
                value = written
            else:
                return None
        else:
            return None
        data[key] = value
        lines[(key,)] = number
    return YamlDoc(data, lines, first_line) if data else None


def _quoted(match: re.Match[str]) -> str:
    double = match.group(1)
    return double if double is not None else match.group(2)


def _plain_tag(value: str) -> str:
    """The type a plain scalar reads as (as the resolver of the loaders finds it)."""
    for tag, pattern in PLAIN_BY_FIRST.get(value[:1], ()):
        if pattern.match(value):
            return str(tag)
    return STR_TAG


def _load(loader_class: type[Any], text: str, path: str, first_line: int) -> YamlDoc:
    import yaml

    offset = first_line - 1
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path_, int] = {}
        errors: list[ContentError] = []
        if node is not None:
            _walk(node, (), lines, errors, path, offset, set())
        if errors:
            raise errors[0]
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 + offset if mark else first_line
        problem = e.problem or e.context or "invalid YAML"
        if e.problem and e.context and e.context_mark and e.context_mark.line + 1 + offset != line:
            problem += f" ({e.context} on line {e.context_mark.line + 1 + offset})"
        raise ContentError(path, line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as e:
        raise ContentError(path, first_line, f"invalid YAML: {e}") from None
    except RecursionError:  # PyYAML composes nested collections recursively
        raise ContentError(path, first_line, "invalid YAML: lists or mappings nested too deeply") from None
    finally:
        loader.dispose()
    return YamlDoc(data, lines, first_line)


def _walk(
    node: yaml.Node,
    at: Path_,
    lines: dict[Path_, int],
    errors: list[ContentError],
    path: str,
    offset: int,
    seen_nodes: set[int],
) -> None:
    import yaml

    if id(node) in seen_nodes:  # an alias: walked once already (also stops alias bombs)
        return
    seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: set[Hashable] = set()
        for key_node, value_node in node.value:
            key: Hashable = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                errors.append(ContentError(path, line, f"duplicate key {key!r}"))
            seen.add(key)
            lines[(*at, key)] = line
            _walk(value_node, (*at, key), lines, errors, path, offset, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*at, index)] = item.start_mark.line + 1 + offset
            _walk(item, (*at, index), lines, errors, path, offset, seen_nodes)


class Fields:
    """Typed reads of a YAML mapping that collect every problem as a ContentError."""

    def __init__(self, doc: YamlDoc, path: str, data: Any, at: Path_ = ()) -> None:
        self.doc = doc
        self.path = path
        self.data: dict[Any, Any] = data if isinstance(data, dict) else {}
        self.at = at
        self.errors: list[ContentError] = []

    def line(self, *key: Hashable) -> int:
        return self.doc.line(*self.at, *key)

    def error(self, message: str, *key: Hashable) -> None:
        self.errors.append(ContentError(self.path, self.line(*key), message))

    def check_keys(self, allowed: tuple[str, ...], what: str) -> None:
        """Report keys that are not in `allowed`, with a close match as a hint."""
        for key in self.data:
            if key not in allowed:
                import difflib  # (only when a key is wrong)

                hint = difflib.get_close_matches(str(key), allowed, n=1)
                tip = f"; did you mean {hint[0]!r}?" if hint else f"; expected one of: {', '.join(allowed)}"
                self.error(f"unknown {what} key {key!r}{tip}", key)

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.error(f"{key}: required, but missing", key)
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(f"{key}: expected text, got {_kind(value)}", key)
            return default
        if not isinstance(value, str):
            self.error(f"{key}: expected text, got a number ({value!r}); put it in quotes", key)
            return default
        if bad := unprintable(value):
            self.error(f"{key}: holds the invisible character {bad}, not allowed in pages", key)
            return default
        value = value.strip()
        if required and not value:
            self.error(f"{key}: must not be empty", key)
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, str) and value.strip().casefold() in ("true", "false", "yes", "no", "on", "off"):
            self.error(f"{key}: expected true or false, got the text {value!r}; write it without quotes", key)
            return default
        if not isinstance(value, bool):
            self.error(f"{key}: expected true or false, got {value!r}", key)
            return default
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of strings (numbers are accepted as their text)."""
        return tuple(text for text, _line in self.lined_texts(key))

    def lined_texts(self, key: str) -> tuple[tuple[str, int], ...]:
        """A list of strings, each with the line of its item."""
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(f"{key}: expected a list (e.g. [a, b] or one '- item' a line), got {_kind(value)}", key)
            return ()
        out: list[tuple[str, int]] = []
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.error(f"{key}: item {index + 1}: expected text, got {_kind(item)}", key, index)
            elif bad := unprintable(str(item)):
                self.error(
                    f"{key}: item {index + 1}: holds the invisible character {bad}, not allowed in pages", key, index
                )
            elif str(item).strip():
                out.append((str(item).strip(), self.line(key, index)))
        return tuple(out)


# Characters HTML calls parse errors or XML forbids: C0/C1 controls (not tab or line ends), lone surrogates,
# and the noncharacters U+FFFE and U+FFFF.
UNPRINTABLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def unprintable(text: str) -> str:
    """The first character of `text` that must not reach a page or feed, as `U+XXXX`; "" when there is none."""
    match = UNPRINTABLE_RE.search(text)
    return f"U+{ord(match.group()):04X}" if match else ""


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"text ({value!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bytes):
        return "binary data"
    return type(value).__name__


def load_yaml_list(text: str, path: str, shape: str) -> YamlDoc | None:
    """A YAML file that must hold a list: its document, or None when it is empty; `shape` is the error otherwise."""
    try:
        doc = load_yaml(text, path)
    except ContentError as e:
        raise BuildFailed([e]) from None
    if doc.data is None:
        return None
    if not isinstance(doc.data, list):
        raise BuildFailed([ContentError(path, 1, shape)])
    return doc


def each_mapping(
    doc: YamlDoc,
    path: str,
    items: list[Any],
    at: Path_,
    allowed: tuple[str, ...],
    what: str,
    expected: Callable[[int], str],
    sink: list[ContentError],
) -> Iterator[tuple[int, Fields]]:
    """Each item of a YAML list that must hold mappings, as Fields at its place (`at` + its index), its keys
    checked against `allowed`. An item that is not a mapping is reported in `sink` with `expected(number)` (its
    number from 1) and skipped; the caller adds each item's own errors to `sink` when done with it."""
    for index, item in enumerate(items):
        sub = Fields(doc, path, item, (*at, index))
        if not isinstance(item, dict):
            sub.error(expected(index + 1))
            sink.extend(sub.errors)
            continue
        sub.check_keys(allowed, what)
        yield index, sub
