"""The settings a build read, kept in the cache index for a rebuild after an edit (edits.store_settings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kursk_site import edits
from kursk_site.codec import pack
from kursk_site.config import load_config
from kursk_site.content.entities import parse_entities
from kursk_site.content.timeline import parse_timeline
from tests.conftest import SITE_YAML

ENTITIES = """\
- name: Kim Jong Un
  kind: person
  description: The leader.
  aliases: [Kim, "Chairman Kim"]
- name: Sappers
  kind: term
  description: Combat engineers.
  aliases: [sappers]
"""
TIMELINE = """\
- date: "2024-03"
  event: The first convoy leaves.
  section: deployment
  source: Reuters
"""


def test_the_settings_come_back_as_they_were_read(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    config = load_config(tmp_path / "site.yaml", "content/site.yaml", "https://example.org/news/")
    timeline = parse_timeline(TIMELINE, "content/timeline.yaml", config)
    entities = parse_entities(ENTITIES, "content/entities.yaml")
    stored = edits._stored_settings(edits.store_settings(config, timeline, entities))
    assert stored is not None
    assert stored.config == config
    assert stored.timeline == timeline
    assert stored.entities == entities  # (the patterns are not compared: made again from the aliases)
    for before, after in zip(entities, stored.entities, strict=True):
        assert after.pattern.pattern == before.pattern.pattern
    assert stored.entities[1].pattern.search("The SAPPERS came")  # an all-lower-case alias, in any case
    assert edits._stored_settings(pack((config, 5, ()))) is None  # a timeline that is no list of events
    assert edits._stored_settings(pack((config, (), ((1, 2),)))) is None  # an entity that is not one


@pytest.mark.parametrize(
    "data",
    [b"", b"not packed", pack(("config", (), ())), pack((1, 2)), pack(None)],
    ids=["none", "damaged", "no-config", "short", "nothing"],
)
def test_anything_else_gives_no_settings_and_the_files_are_read(data: bytes) -> None:
    assert edits._stored_settings(data) is None
