"""content/entities.yaml -> Entities (people, states, places, units, terms) with the pattern that finds them."""

from __future__ import annotations

import re
from pathlib import Path

from slugify import slugify

from kursk_site.config import read_text
from kursk_site.errors import BuildFailed, ContentError
from kursk_site.model import Entity, EntityKind
from kursk_site.yamlsrc import each_mapping, load_yaml_list

ENTITY_KEYS = ("name", "kind", "description", "aliases", "slug")
KINDS = tuple(kind.value for kind in EntityKind)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def alias_pattern(aliases: tuple[str, ...]) -> re.Pattern[str]:
    """Any alias as whole words, longest first; an all-lower-case alias ("sappers") matches in any case."""
    parts = []
    for alias in sorted(aliases, key=lambda a: (-len(a), a)):
        body = r"\s+".join(re.escape(word) for word in alias.split())
        parts.append(f"(?i:{body})" if alias == alias.lower() else body)
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])")


def load_entities(path: Path, display: str) -> tuple[Entity, ...]:
    """Read entities.yaml if it exists (no file: no entities); raises BuildFailed listing every problem."""
    if not path.is_file():
        return ()
    return parse_entities(read_text(path, display), display)


def parse_entities(text: str, display: str) -> tuple[Entity, ...]:
    """A YAML list of entities -> Entities sorted by name (pure); an alias may name one entity only."""
    doc = load_yaml_list(text, display, "entities.yaml must be a list of entities ('- name: ...' then 'kind: ...')")
    if doc is None:
        return ()
    entities: list[Entity] = []
    errors: list[ContentError] = []
    owners: dict[str, tuple[str, int]] = {}
    slugs: dict[str, int] = {}
    items = each_mapping(
        doc,
        display,
        doc.data,
        (),
        ENTITY_KEYS,
        "entity",
        lambda n: f"item {n}: expected a mapping with name, kind, description and aliases",
        errors,
    )
    for index, fields in items:
        name = fields.text("name", required=True)
        kind_text = fields.text("kind", required=True)
        kind = next((k for k in EntityKind if k.value == kind_text), None)
        if kind_text and kind is None:
            fields.error(f"kind: expected one of: {', '.join(KINDS)}, got {kind_text!r}", "kind")
        description = fields.text("description", required=True)
        slug = fields.text("slug") or slugify(name)
        if not SLUG_RE.match(slug):
            fields.error(f"slug: expected lower-case letters, digits and single '-', got {slug!r}", "slug")
        elif slug in slugs:
            fields.error(f"slug {slug!r} is also used by the entity at line {slugs[slug]}", "name")
        line = doc.line(index)
        slugs.setdefault(slug, line)
        aliases = tuple(dict.fromkeys(a for a in (name, *fields.texts("aliases")) if a))
        for alias in aliases:
            if not any(ch.isalnum() for ch in alias):
                fields.error(f"aliases: {alias!r} has no letters or digits to find in the text", "aliases")
            key = " ".join(alias.casefold().split())
            owner = owners.get(key)
            if owner and owner[0] != slug:
                fields.error(f"alias {alias!r} already names {owner[0]!r} (line {owner[1]})", "aliases")
            owners.setdefault(key, (slug, line))
        if name and kind and description and aliases:
            entities.append(Entity(slug, name, kind, description, aliases, alias_pattern(aliases), line))
        errors.extend(fields.errors)
    if errors:
        raise BuildFailed(errors)
    return tuple(sorted(entities, key=lambda e: (e.name.casefold(), e.slug)))
