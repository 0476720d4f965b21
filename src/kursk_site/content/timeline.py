"""content/timeline.yaml -> TimelineEvents (date or partial date, event, section, source), every problem collected."""

from __future__ import annotations

from pathlib import Path

from slugify import slugify

from kursk_site.config import read_text
from kursk_site.content.analysis import is_partial_date, partial_date_text
from kursk_site.errors import BuildFailed, ContentError
from kursk_site.model import SiteConfig, TimelineEvent
from kursk_site.yamlsrc import each_mapping, load_yaml_list

EVENT_KEYS = ("date", "event", "section", "source")
UNDATED = "undated"


def load_timeline(path: Path, display: str, config: SiteConfig) -> tuple[TimelineEvent, ...]:
    """Read timeline.yaml if it exists (no file: no events); raises BuildFailed listing every problem."""
    if not path.is_file():
        return ()
    return parse_timeline(read_text(path, display), display, config)


def parse_timeline(text: str, display: str, config: SiteConfig) -> tuple[TimelineEvent, ...]:
    """A YAML list of events -> events sorted by date, undated ones last (pure)."""
    doc = load_yaml_list(text, display, "timeline.yaml must be a list of events ('- date: 2024' then 'event: ...')")
    if doc is None:
        return ()
    events: list[TimelineEvent] = []
    errors: list[ContentError] = []
    items = each_mapping(
        doc,
        display,
        doc.data,
        (),
        EVENT_KEYS,
        "timeline",
        lambda n: f"item {n}: expected a mapping with date, event, section and source",
        errors,
    )
    for index, fields in items:
        date = partial_date_text(fields, "date", required=True)
        if date == UNDATED:
            date = ""
        elif date and not is_partial_date(date):
            fields.error(f"date: expected YYYY, YYYY-MM, YYYY-MM-DD or '{UNDATED}', got {date!r}", "date")
        event = fields.text("event", required=True)
        section = fields.text("section")
        if section and section not in config.section_keys:
            fields.error(
                f"section: unknown section {section!r}; expected one of: {', '.join(config.section_keys)}", "section"
            )
        source = fields.text("source")
        line = doc.line(index)
        events.append(TimelineEvent(date, event, section, source, slugify(source) if source else "", line))
        errors.extend(fields.errors)
    if errors:
        raise BuildFailed(errors)
    return tuple(sorted(events, key=lambda e: e.sort_key))
