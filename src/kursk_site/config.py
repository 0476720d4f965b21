"""content/site.yaml -> SiteConfig: checks types, required keys and unknown keys."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from kursk_site.errors import BuildFailed, ContentError, SourcePos
from kursk_site.model import SectionRule, SiteConfig
from kursk_site.yamlsrc import UNPRINTABLE_RE, Fields, each_mapping, load_yaml

SITE_KEYS = (
    "title",
    "description",
    "language",
    "author",
    "base_url",
    "allow_raw_html",
    "per_page",
    "section_per_page",
    "sections",
    "search",
)
SECTION_KEYS = ("key", "title", "summary", "keywords")
SECTION_KEY_RE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
DEFAULT_PER_PAGE = 20
SECTION_PER_PAGE = 10
"""A section page's articles at most unless site.yaml says (it shows their parts whole: twenty parts of an
ordinary article's length took the page over 60 KB)."""
SECTION_PER_PAGE_WIDE = 5
"""The same for a site in a language whose letters take two bytes or more each (Cyrillic, Greek, Arabic, Hebrew,
Indic and East Asian scripts): ten parts of ordinary length took a Ukrainian site's section page to 85 KB."""
WIDE_SCRIPT_RE = re.compile(
    r"^(?:ar|he|iw|fa|ur|ps|yi|ru|uk|be|bg|sr|mk|kk|ky|tg|mn|ba|tt|el|ka|hy|hi|mr|ne|bn|pa|gu|ta|te|kn|ml|si|th|lo|km"
    r"|my|zh|ja|ko|am)(?:-|$)",
    re.IGNORECASE,
)
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
MAX_FILE_BYTES = 2 * 2**20
"""Largest content file read (2 MB, some 300,000 words): bigger ones would take seconds and hundreds of MB each."""
MAX_REPORTED = 10
"""Lines reported per file for one kind of bad character, so a binary file does not flood the terminal."""


def load_config(path: Path, display: str, base_url: str | None = None) -> SiteConfig:
    """Read and check site.yaml; `display` is the path used in messages."""
    text = read_text(path, display)
    if bad := check_printable(text, display):
        raise BuildFailed(bad)
    try:
        doc = load_yaml(text, display)
    except ContentError as e:
        raise BuildFailed([e]) from None
    if not isinstance(doc.data, dict):
        raise BuildFailed(
            [ContentError(display, 1, "site.yaml must be a mapping of settings (title: ..., sections: ...)")]
        )
    fields = Fields(doc, display, doc.data)
    fields.check_keys(SITE_KEYS, "site.yaml")
    title = fields.text("title", required=True)
    language = fields.text("language", default="en")
    if language and not LANGUAGE_RE.match(language):
        fields.error(f"language: expected a language tag such as 'en' or 'en-GB', got {language!r}", "language")
    url = normalize_base_url(base_url) if base_url is not None else ""
    if base_url is None:
        url = fields.text("base_url")
        if url:
            problem = base_url_problem(url)
            if problem:
                fields.error(f"base_url: {problem}", "base_url")
            url = normalize_base_url(url)
    sections = _sections(fields, doc.data.get("sections"))
    config = SiteConfig(
        title=title,
        description=fields.text("description"),
        language=language or "en",
        author=fields.text("author", default=title),
        base_url=url,
        allow_raw_html=fields.flag("allow_raw_html"),
        per_page=(per_page := _per_page(fields, "per_page", DEFAULT_PER_PAGE)),
        section_per_page=_per_page(fields, "section_per_page", min(per_page, _section_default(language or "en"))),
        sections=sections,
        search=fields.flag("search"),
        source=SourcePos(display, 0),
    )
    if fields.errors:
        raise BuildFailed(fields.errors)
    return config


def _section_default(language: str) -> int:
    return SECTION_PER_PAGE_WIDE if WIDE_SCRIPT_RE.match(language) else SECTION_PER_PAGE


def _per_page(fields: Fields, key: str, default: int) -> int:
    value = fields.data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        fields.error(f"{key}: expected a whole number from 1 to 1000, got {value!r}", key)
        return default
    return value


def _sections(fields: Fields, value: object) -> tuple[SectionRule, ...]:
    if value is None:
        fields.error("sections: required, but missing (a list of key, title, summary, keywords)", "sections")
        return ()
    if not isinstance(value, list) or not value:
        fields.error("sections: expected a non-empty list of sections", "sections")
        return ()
    rules: list[SectionRule] = []
    seen: set[str] = set()
    expected = "expected a mapping with key, title, summary, keywords"
    items = each_mapping(
        fields.doc,
        fields.path,
        value,
        ("sections",),
        SECTION_KEYS,
        "section",
        lambda n: f"sections: item {n}: {expected}",
        fields.errors,
    )
    for _index, sub in items:
        key = sub.text("key", required=True)
        if key and not SECTION_KEY_RE.match(key):
            sub.error(
                f"key: expected up to 40 lower-case letters, digits and '-', starting with a letter, got {key!r}", "key"
            )
        elif key in seen:
            sub.error(f"key: section {key!r} is defined twice", "key")
        seen.add(key)
        keywords = tuple(
            words for words in (tuple(w.lower() for w in _WORD_RE.findall(k)) for k in sub.texts("keywords")) if words
        )
        rules.append(SectionRule(key, sub.text("title", required=True), sub.text("summary"), keywords))
        fields.errors.extend(sub.errors)
    return tuple(rules)


_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


def base_url_problem(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"expected an absolute http(s) URL such as 'https://example.org/news/', got {url!r}"
    if parts.query or parts.fragment:
        return f"must not have a query or fragment, got {url!r}"
    if bad := sorted(set(url) & set(' "<>\\^`{|}') | {c for c in url if not c.isprintable()}):
        return f"must not hold spaces or any of {''.join(bad)!r} (percent-encode them), got {url!r}"
    return ""


def normalize_base_url(url: str) -> str:
    url = url.strip()
    return url if not url or url.endswith("/") else url + "/"


def read_text(path: Path, display: str, limit: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file (a BOM is dropped); bad bytes become an error at their line."""
    return decode_text(read_bytes(path, display, limit), display)


def read_bytes(path: Path, display: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a content file; a file larger than `limit` is an error (and is not read into memory)."""
    try:
        with path.open("rb") as file:
            want = min(os.fstat(file.fileno()).st_size, limit) + 1  # (not limit + 1: a buffer that large is
            data = file.read(want)  # made and given back for every file, which took four times the reading)
            if len(data) == want <= limit:  # the file grew since, or its size is not known ahead (0)
                data += file.read(limit + 1 - want)
    except OSError as e:
        raise BuildFailed([ContentError(display, 0, f"cannot read: {e.strerror or e}")]) from None
    if len(data) > limit:
        raise BuildFailed(
            [ContentError(display, 1, f"larger than {limit // 2**20} MB, the limit for one file; split it up")]
        )
    return data


PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"
"""The ASCII characters UNPRINTABLE_RE lets through."""


def check_printable(text: str, display: str) -> list[ContentError]:
    """One error for each line (up to MAX_REPORTED) holding a character a page or feed cannot carry."""
    errors: list[ContentError] = []
    if text.isascii() and not text.encode("ascii").translate(None, PRINTABLE_ASCII):
        return errors  # (most files: found without the expression's pass over every character)
    for match in UNPRINTABLE_RE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if errors and errors[-1].line == line:
            continue
        if len(errors) == MAX_REPORTED:
            break
        code = f"U+{ord(match.group()):04X}"
        errors.append(
            ContentError(display, line, f"holds the invisible character {code}, not allowed in pages; delete it")
        )
    return errors


def decode_text(data: bytes, display: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise BuildFailed(
            [ContentError(display, line, f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8")]
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise BuildFailed([ContentError(display, line, "holds a NUL byte: this looks like a binary file, not text")])
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
