"""The stored articles of the build cache: written into data files, found through the table, damaged bytes never
given back, and data files copied together once there are too many or one is mostly dead."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from kursk_site import articlestore
from kursk_site.articlestore import (
    FOLDER,
    MAX_FILES,
    TABLE,
    DataFile,
    Location,
    read_articles,
    read_table,
    save_table,
)


def articles(rng: random.Random, count: int, prefix: str) -> dict[str, bytes]:
    return {f"{prefix}{n:04d}": rng.randbytes(rng.randint(1, 400)) for n in range(count)}


def store(folder: Path, items: dict[str, bytes], batches: int = 3) -> dict[str, Location]:
    keys = list(items)
    with DataFile(folder) as data:
        for start in range(batches):
            data.add((key, items[key]) for key in keys[start::batches])
    assert data.error is None
    return data.locations


def data_files(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / FOLDER).iterdir() if p.name != TABLE)


def test_articles_stored_are_read_back_byte_for_byte(tmp_path: Path) -> None:
    items = articles(random.Random(1), 50, "k")
    table = store(tmp_path, items)
    save_table(tmp_path, table)
    assert read_table(tmp_path) == table
    assert dict(read_articles(tmp_path, read_table(tmp_path), reversed(list(items)))) == items
    assert dict(read_articles(tmp_path, table, ["k0003", "missing"])) == {"k0003": items["k0003"]}
    assert len(data_files(tmp_path)) == 1


def test_many_articles_are_written_a_few_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(articlestore, "WRITE_AT_ONCE", 1000)
    items = articles(random.Random(3), 60, "k")
    sizes: list[int] = []
    with DataFile(tmp_path) as data:

        def given() -> Iterator[tuple[str, bytes]]:
            for key, value in items.items():
                sizes.append(sum(p.stat().st_size for p in data_files(tmp_path)))
                yield key, value

        data.add(given())
    assert data.error is None
    assert sizes[-1] > 0  # some were written before the last was given
    assert all(size < sum(len(value) for value in items.values()) for size in sizes)
    assert dict(read_articles(tmp_path, data.locations, items)) == items


def test_damaged_or_cut_bytes_are_never_given_back(tmp_path: Path) -> None:
    items = articles(random.Random(2), 20, "k")
    table = store(tmp_path, items, batches=1)
    (path,) = data_files(tmp_path)
    data = bytearray(path.read_bytes())
    damaged = table["k0005"]
    data[damaged.offset] ^= 0x01
    path.write_bytes(bytes(data[: table["k0019"].offset + 1]))  # the last article cut short
    found = dict(read_articles(tmp_path, table, items))
    assert found == {key: value for key, value in items.items() if key not in ("k0005", "k0019")}


def test_a_missing_table_names_nothing_and_a_garbage_one_is_told_apart(tmp_path: Path) -> None:
    assert read_table(tmp_path) == {}
    (tmp_path / FOLDER).mkdir()
    (tmp_path / FOLDER / TABLE).write_bytes(b"\x00 not a table")
    assert read_table(tmp_path) is None  # damaged: the build warns


def test_saving_a_table_removes_the_data_files_it_does_not_name(tmp_path: Path) -> None:
    rng = random.Random(3)
    first = store(tmp_path, articles(rng, 10, "a"))
    second = store(tmp_path, articles(rng, 10, "b"))
    (tmp_path / FOLDER / "left-by-a-killed-build.bin").write_bytes(b"x")
    save_table(tmp_path, second)
    assert data_files(tmp_path) == [tmp_path / FOLDER / next(iter(second.values())).file]
    assert dict(read_articles(tmp_path, read_table(tmp_path), first)) == {}


def test_past_the_limit_the_small_files_are_copied_into_one(tmp_path: Path) -> None:
    rng = random.Random(4)
    items = articles(rng, 300, "big")
    table = store(tmp_path, items)
    for n in range(MAX_FILES + 2):  # as many rebuilds after an edit each storing one article
        one = articles(rng, 1, f"edit{n}-")
        items.update(one)
        table.update(store(tmp_path, one))
    assert len(data_files(tmp_path)) == MAX_FILES + 3
    save_table(tmp_path, table)
    assert len(data_files(tmp_path)) == 2  # the large file kept, the others copied into one
    assert dict(read_articles(tmp_path, read_table(tmp_path), items)) == items


def test_a_mostly_dead_file_is_copied_out(tmp_path: Path) -> None:
    rng = random.Random(5)
    items = articles(rng, 100, "k")
    table = store(tmp_path, items)
    (old,) = data_files(tmp_path)
    edited = articles(random.Random(6), 60, "k")  # sixty of the hundred stored again, edited
    items.update(edited)
    table.update(store(tmp_path, edited))
    save_table(tmp_path, table)
    assert old not in data_files(tmp_path)
    assert dict(read_articles(tmp_path, read_table(tmp_path), items)) == items
