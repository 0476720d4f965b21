"""Front matter `figures:` and `corrections:` -> KeyFigures and Corrections, every problem collected."""

from __future__ import annotations

import re
from datetime import date, datetime

from kursk_site.model import Correction, KeyFigure, Source
from kursk_site.yamlsrc import Fields, each_mapping

FIGURE_KEYS = ("value", "label", "section", "source", "as_of")
CORRECTION_KEYS = ("date", "text", "kind")
CORRECTION_KINDS = ("correction", "update")
PARTIAL_DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
FIRST_YEAR, LAST_YEAR = 1000, 9998
"""The years a date may fall in (a date and time moved to UTC keeps four digits)."""
NUMBER_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def read_amount(value: str) -> float | None:
    """The first number written in `value` ("over 6,000" -> 6000.0), or None."""
    match = NUMBER_RE.search(value)
    return float(match.group().replace(",", "")) if match else None


def parse_figures(fields: Fields, section_keys: tuple[str, ...], sources: tuple[Source, ...]) -> tuple[KeyFigure, ...]:
    """`figures:` items (value, label, section, source, as_of); a named source must be one of `sources:`."""
    value = fields.data.get("figures")
    if value is None:
        return ()
    if not isinstance(value, list):
        fields.error("figures: expected a list of mappings with value, label, section, source and as_of", "figures")
        return ()
    names = {source.name.casefold(): source.name for source in sources}
    out: list[KeyFigure] = []
    expected = "expected a mapping with value, label, section, source and as_of"
    items = each_mapping(
        fields.doc,
        fields.path,
        value,
        ("figures",),
        FIGURE_KEYS,
        "figure",
        lambda n: f"figures: item {n}: {expected}",
        fields.errors,
    )
    for index, sub in items:
        number = sub.text("value", required=True)
        amount = read_amount(number)
        if number and amount is None:
            sub.error(f"value: expected a number such as '6,000' or 'over 6,000', got {number!r}", "value")
        label = sub.text("label", required=True)
        section = sub.text("section")
        if section and section not in section_keys:
            sub.error(f"section: unknown section {section!r}; expected one of: {', '.join(section_keys)}", "section")
        source = sub.text("source")
        if source and source.casefold() not in names:
            known = ", ".join(sorted(names.values())) or "none: add it to 'sources:' first"
            sub.error(f"source: {source!r} is not in this article's sources (named there: {known})", "source")
        source = names.get(source.casefold(), source)
        as_of = partial_date_text(sub, "as_of")
        if as_of and not is_partial_date(as_of):
            sub.error(f"as_of: expected YYYY, YYYY-MM or YYYY-MM-DD, got {as_of!r}", "as_of")
        out.append(KeyFigure(number, amount, label, section, source, as_of, "", fields.line("figures", index)))
        fields.errors.extend(sub.errors)
    return tuple(out)


def is_partial_date(text: str) -> bool:
    """Whether `text` is YYYY, YYYY-MM or YYYY-MM-DD, a day of the calendar, in the years 1000 to 9998."""
    if not PARTIAL_DATE_RE.match(text):
        return False
    year, month, day = [*map(int, text.split("-")), 1, 1][:3]
    try:
        date(year, month, day)
    except ValueError:  # e.g. 2024-02-30
        return False
    return FIRST_YEAR <= year <= LAST_YEAR


def partial_date_text(fields: Fields, key: str, *, required: bool = False) -> str:
    """A date field as text; a bare year such as `2024` (which YAML reads as a number) is accepted."""
    raw = fields.data.get(key)
    if isinstance(raw, int) and not isinstance(raw, bool) and 1000 <= raw <= 9999:
        return str(raw)
    return fields.text(key, required=required)


def parse_corrections(fields: Fields, published: datetime | None) -> tuple[Correction, ...]:
    """`corrections:` items (date, text, kind), oldest first; none may predate the article."""
    value = fields.data.get("corrections")
    if value is None:
        return ()
    if not isinstance(value, list):
        fields.error("corrections: expected a list of mappings with date, text and kind", "corrections")
        return ()
    out: list[Correction] = []
    items = each_mapping(
        fields.doc,
        fields.path,
        value,
        ("corrections",),
        CORRECTION_KEYS,
        "correction",
        lambda n: f"corrections: item {n}: expected a mapping with date, text and kind",
        fields.errors,
    )
    for _index, sub in items:
        raw = sub.data.get("date")
        moment = _parse_day(raw)
        if raw is None:
            sub.error("date: required, but missing (write it as YYYY-MM-DD)", "date")
        elif moment is None:
            sub.error(f"date: expected a date as YYYY-MM-DD, got {str(raw)!r}", "date")
        elif published and moment.date() < published.date():
            sub.error("date: is earlier than the article's date", "date")
        text = sub.text("text", required=True)
        kind = sub.text("kind", default="correction")
        if kind not in CORRECTION_KINDS:
            sub.error(f"kind: expected one of: {', '.join(CORRECTION_KINDS)}, got {kind!r}", "kind")
        if moment and text:
            out.append(Correction(moment, text, kind))
        fields.errors.extend(sub.errors)
    return tuple(sorted(out, key=lambda c: c.date))


def _parse_day(raw: object) -> datetime | None:
    if not isinstance(raw, str) or not re.match(r"^\d{4}-\d{2}-\d{2}$", raw.strip()):
        return None
    try:
        return datetime.fromisoformat(raw.strip() + "T00:00:00+00:00")
    except ValueError:
        return None
