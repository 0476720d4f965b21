"""The build cache: a build that reuses it gives the bytes a cold build gives, whatever changed in between."""

from __future__ import annotations

import os
import pickle
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kursk_site import articlestore, incremental, pipeline
from kursk_site.build import PACKAGE, THEME, build
from kursk_site.cache import (
    CACHE_DIR,
    INDEX,
    ArticleEntry,
    CacheIndex,
    PageEntry,
    Spool,
    _index_from_plain,
    _plain_index,
    load_articles,
    load_plan,
    open_cache,
    tool_fingerprint,
)
from kursk_site.cli import main
from kursk_site.codec import encode
from kursk_site.errors import BuildFailed
from kursk_site.escaping import Environment
from kursk_site.model import BuildOptions, BuildReport, Project
from kursk_site.render import compiled_templates
from kursk_site.stamps import FileStamp
from tests.conftest import SITE_YAML, MakeSite

TOPICS = ("Kursk", "Sanctions", "Drones", "Logistics", "North Korea")
HEADINGS = ("Troops arrive", "The human cost", "Money and labor", "What comes next", "Further notes")
MARKER = ".kursk-site-build"


WORDS = ("wages", "drones", "sappers", "talks", "losses", "Kim", "Pyongyang", "Moscow", "the brigade")
SECTIONS = ("deployment", "casualties", "economics", "outlook")


def article_text(rng: random.Random, number: int) -> str:
    """An article whose topics, sources, key figures (some citing a source) and entity mentions vary."""
    tags = ", ".join(rng.sample(TOPICS, rng.randint(0, 3)))
    day = rng.randint(1, 28)
    body = [f"Lede {number} with *emphasis* and {rng.randint(1, 10_000):,} troops."]
    for heading in rng.sample(HEADINGS, rng.randint(1, 4)):
        body.append(f"## {heading}")
        body.append(" ".join(rng.choice(WORDS) for _ in range(12)) + ".")
    source = f"Source {rng.randint(1, 4)}"
    figures = "".join(
        f'  - value: "{rng.randint(1, 999)}"\n    label: figure {n}\n    section: {rng.choice(SECTIONS)}\n'
        + (f"    source: {source}\n" if rng.random() < 0.5 else "")
        for n in range(rng.randint(0, 2))
    )
    return (
        f"---\ntitle: Article {number} v{rng.randint(0, 99)}\ndate: 2024-0{rng.randint(1, 9)}-{day:02d}\n"
        f"tags: [{tags}]\nsources: [{source}]\n"
        + (f"figures:\n{figures}" if figures else "")
        + "---\n\n"
        + "\n\n".join(body)
        + "\n"
    )


def entities_text(rng: random.Random) -> str:
    """entities.yaml naming some of the words the articles use (so mentions and related articles change)."""
    chosen = rng.sample(
        [
            ("Kim Jong Un", "person", "[Kim]"),
            ("North Korea", "state", "[Pyongyang]"),
            ("Russia", "state", "[Moscow]"),
            ("Sappers", "term", "[sappers]"),
            ("The brigade", "unit", "[the brigade]"),
        ],
        rng.randint(1, 4),
    )
    return "".join(f"- name: {n}\n  kind: {k}\n  description: About {n}.\n  aliases: {a}\n" for n, k, a in chosen)


def timeline_text(rng: random.Random) -> str:
    return "".join(
        f'- date: "2024-0{rng.randint(1, 9)}"\n  event: Event {n}.\n  section: {rng.choice(SECTIONS)}\n'
        + (f"  source: Source {rng.randint(1, 5)}\n" if rng.random() < 0.6 else "")
        for n in range(rng.randint(0, 3))
    )


def project(root: Path, out: Path) -> Project:
    return Project(root, root / "content", (), out)


def cached_build(root: Path) -> BuildReport:
    return build(project(root, root / "build"), BuildOptions())


def assert_same_as_cold(root: Path, tmp_path: Path) -> None:
    cold = tmp_path / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    build(project(root, cold), BuildOptions(cache=False))
    warm = root / "build"
    warm_files = sorted(p.relative_to(warm).as_posix() for p in warm.rglob("*") if p.is_file())
    cold_files = sorted(p.relative_to(cold).as_posix() for p in cold.rglob("*") if p.is_file())
    assert warm_files == cold_files
    for rel in warm_files:
        if rel != MARKER:
            assert (warm / rel).read_bytes() == (cold / rel).read_bytes(), rel


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_random_edits_additions_deletions_and_renames_give_the_cold_build_output(
    make_site: MakeSite, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    site_yaml = SITE_YAML + "per_page: 2\n" + ("search: true\n" if seed % 2 else "")
    root = make_site(
        {
            "content/site.yaml": site_yaml,
            "content/entities.yaml": entities_text(rng),
            "content/timeline.yaml": timeline_text(rng),
            **{f"content/articles/a{n}.md": article_text(rng, n) for n in range(6)},
        }
    )
    articles = root / "content" / "articles"
    cached_build(root)
    next_number = 6
    for _step in range(10):
        names = sorted(p.name for p in articles.iterdir())
        action = rng.choice(("edit", "edit", "edit", "add", "delete", "rename", "settings", "entities", "timeline"))
        if action == "entities":
            (root / "content" / "entities.yaml").write_text(entities_text(rng), encoding="utf-8")
        elif action == "timeline":
            (root / "content" / "timeline.yaml").write_text(timeline_text(rng), encoding="utf-8")
        elif action == "edit" and names:
            (articles / rng.choice(names)).write_text(article_text(rng, rng.randint(0, 99)), encoding="utf-8")
        elif action == "add" or not names:
            (articles / f"a{next_number}.md").write_text(article_text(rng, next_number), encoding="utf-8")
            next_number += 1
        elif action == "delete" and len(names) > 1:
            (articles / rng.choice(names)).unlink()
        elif action == "rename":
            name = rng.choice(names)
            (articles / name).rename(articles / f"renamed-{next_number}.md")
            next_number += 1
        else:
            site_yaml = site_yaml.replace("Test Desk", f"Desk {rng.randint(0, 9)}", 1)
            (root / "content" / "site.yaml").write_text(site_yaml, encoding="utf-8")
        cached_build(root)
        assert_same_as_cold(root, tmp_path)


def test_a_build_with_nothing_changed_rewrites_no_file(make_site: MakeSite) -> None:
    rng = random.Random(7)
    root = make_site({f"content/articles/a{n}.md": article_text(rng, n) for n in range(4)})
    cached_build(root)
    before = snapshot(root / "build")
    report = cached_build(root)
    assert report.written == 0
    assert report.pages > 0
    assert snapshot(root / "build") == before


def test_one_edit_rewrites_only_the_pages_that_show_the_article(make_site: MakeSite, tmp_path: Path) -> None:
    rng = random.Random(8)
    root = make_site({f"content/articles/a{n}.md": article_text(rng, n) for n in range(5)})
    cached_build(root)
    path = root / "content" / "articles" / "a2.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Lede 2", "Lede two"), encoding="utf-8")
    report = cached_build(root)
    assert 0 < report.written < report.files
    assert_same_as_cold(root, tmp_path)


def test_a_template_edit_renders_the_pages_again(make_site: MakeSite, tmp_path: Path) -> None:
    rng = random.Random(9)
    root = make_site(
        {
            **{f"content/articles/a{n}.md": article_text(rng, n) for n in range(3)},
            "templates/404.html": '{% extends "base:404.html" %}',
        }
    )
    out = root / "build"
    options = BuildOptions()
    build(Project(root, root / "content", (root / "templates",), out), options)
    (root / "templates" / "article.html").write_text(
        '{% extends "base:article.html" %}{% block head %}<meta name="x-test" content="1">{% endblock %}',
        encoding="utf-8",
    )
    build(Project(root, root / "content", (root / "templates",), out), options)
    cold = tmp_path / "cold"
    build(Project(root, root / "content", (root / "templates",), cold), BuildOptions(cache=False))
    for page in out.rglob("*.html"):
        assert page.read_bytes() == (cold / page.relative_to(out)).read_bytes()
    assert b'name="x-test"' in (out / "articles" / "a0.html").read_bytes()


def test_a_damaged_cache_falls_back_to_a_cold_build_with_a_warning(make_site: MakeSite, tmp_path: Path) -> None:
    rng = random.Random(10)
    root = make_site({f"content/articles/a{n}.md": article_text(rng, n) for n in range(3)})
    cached_build(root)
    (root / CACHE_DIR / INDEX).write_bytes(b"\x00garbage")
    (root / "content" / "articles" / "a1.md").write_text(article_text(rng, 11), encoding="utf-8")
    report = cached_build(root)
    assert len(report.warnings) == 1
    assert "is damaged or not kursk-site's; building from scratch" in report.warnings[0]
    assert_same_as_cold(root, tmp_path)
    assert cached_build(root).warnings == ()  # the next build has a good cache again


def test_an_index_whose_columns_disagree_is_damaged_and_the_build_goes_cold(tmp_path: Path) -> None:
    index = CacheIndex(
        "tool",
        articles={"content/articles/a.md": ArticleEntry(FileStamp(1, 2, 3, 4), "c", "k")},
        pages={"index.html": PageEntry("k", "o")},
    )
    plain = _plain_index(index)
    assert _index_from_plain(plain) == index
    (tmp_path / INDEX).write_bytes(encode(plain, plain=True))
    assert open_cache(tmp_path, "tool").index == index
    articles = plain[3]
    assert isinstance(articles, tuple)
    broken = (*plain[:3], (articles[0], [], *articles[2:]), *plain[4:])
    (tmp_path / INDEX).write_bytes(encode(broken, plain=True))
    cache = open_cache(tmp_path, "tool")
    assert cache.index == CacheIndex("tool")
    assert any("damaged" in warning for warning in cache.damaged())


def garbage(path: Path) -> None:
    path.write_bytes(b"\x00garbage " * 20)


def cut_short(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def data_file(cache: Path) -> Path:
    return next(p for p in (cache / "articles").iterdir() if p.name != "table.bin")


def folder_instead(path: Path) -> None:
    path.unlink()
    (path / "inside").mkdir(parents=True)


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (lambda cache: garbage(cache / "head.bin"), "head.bin is damaged"),
        (lambda cache: garbage(cache / "plan.bin"), "plan.bin is damaged"),
        (lambda cache: cut_short(cache / "plan.bin"), "plan.bin is damaged"),
        (lambda cache: folder_instead(cache / "plan.bin"), "plan.bin"),
        (lambda cache: garbage(cache / "articles" / "table.bin"), "articles/table.bin is damaged"),
        (lambda cache: cut_short(data_file(cache)), "articles/ is damaged"),
    ],
    ids=["head", "plan", "plan-cut", "plan-folder", "table", "data-cut"],
)
def test_damage_to_any_file_of_the_cache_is_reported_and_the_output_stays_right(
    make_site: MakeSite, tmp_path: Path, damage: Callable[[Path], None], named: str
) -> None:
    rng = random.Random(17)
    root = make_site({f"content/articles/a{n}.md": article_text(rng, n) for n in range(3)})
    cached_build(root)
    damage(root / CACHE_DIR)
    path = root / "content" / "articles" / "a1.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Lede 1", "Lede one"), encoding="utf-8")
    report = cached_build(root)
    assert [w for w in report.warnings if named in w], report.warnings
    assert all(w.startswith(f"the build cache {CACHE_DIR}/") for w in report.warnings)
    assert_same_as_cold(root, tmp_path)
    (root / "content" / "articles" / "a2.md").write_text(article_text(rng, 12), encoding="utf-8")
    assert cached_build(root).warnings == ()  # the cache is whole again
    assert (root / CACHE_DIR / "plan.bin").is_file()


def test_a_foreign_pickle_in_the_cache_is_refused_not_loaded(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"content/articles/a.md": article_text(random.Random(11), 1)})
    cache = root / CACHE_DIR
    cache.mkdir()
    (cache / INDEX).write_bytes(pickle.dumps(os.system))
    report = cached_build(root)
    assert report.warnings and "building from scratch" in report.warnings[0]
    assert_same_as_cold(root, tmp_path)


def test_the_cli_prints_cache_warnings_to_stderr(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"content/articles/a.md": article_text(random.Random(12), 1)})
    (root / CACHE_DIR).mkdir()
    (root / CACHE_DIR / INDEX).write_bytes(b"not a cache")
    assert main(["build", "--source", str(root)]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("kursk-site: warning: the build cache ")
    assert captured.out.startswith("Built ")


def test_no_cache_neither_reads_nor_writes_the_cache(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": article_text(random.Random(13), 1)})
    assert main(["build", "--source", str(root), "--no-cache"]) == 0
    assert not (root / CACHE_DIR).exists()
    assert main(["build", "--source", str(root)]) == 0
    (root / CACHE_DIR / INDEX).write_bytes(b"damaged")
    report = build(project(root, root / "build"), BuildOptions(cache=False))
    assert report.warnings == ()
    assert (root / CACHE_DIR / INDEX).read_bytes() == b"damaged"


def test_a_hand_edited_output_file_is_written_again(make_site: MakeSite, tmp_path: Path) -> None:
    rng = random.Random(14)
    root = make_site({f"content/articles/a{n}.md": article_text(rng, n) for n in range(3)})
    cached_build(root)
    page = root / "build" / "articles" / "a1.html"
    page.write_text("changed by hand", encoding="utf-8")
    report = cached_build(root)
    assert report.written == 1
    assert_same_as_cold(root, tmp_path)


def test_parsing_and_rendering_in_worker_processes_gives_the_same_bytes(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(15)
    root = make_site({f"content/articles/a{n}.md": article_text(rng, n) for n in range(12)})
    in_workers(monkeypatch, 3)
    build(project(root, root / "build"), BuildOptions(cache=False))
    assert_same_as_cold_serial(root, tmp_path, monkeypatch)


def test_page_keys_worked_out_in_worker_processes_are_those_of_one_process(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = built_in_workers(make_site, monkeypatch, seed=20, count=12, workers=3)
    tool = tool_fingerprint(PACKAGE)
    before = open_cache(root / CACHE_DIR, tool).index.pages
    monkeypatch.setattr("kursk_site.pipeline.worker_count", lambda: 1)
    (root / CACHE_DIR / "head.bin").unlink()  # nothing changed, but the build works out every page key again
    assert cached_build(root).written == 0
    assert open_cache(root / CACHE_DIR, tool).index.pages == before


def test_a_cold_build_renders_every_page_while_a_child_works_out_the_keys_and_stores_the_plan(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    real = incremental.start_chunks

    def noted(fn: object, chunks: object, *rest: object) -> object:
        started.append(chunks)
        return real(fn, chunks, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(incremental, "start_chunks", noted)
    root, _ = built_in_workers(make_site, monkeypatch, seed=22, count=10, workers=2)
    assert started == [[()]]  # one child, for the keys and the plan (none of them split over children)
    cache = open_cache(root / CACHE_DIR, tool_fingerprint(PACKAGE))
    pages = {p.relative_to(root / "build").as_posix() for p in (root / "build").rglob("*.html")}
    assert cache.index.plan and load_plan(cache) is not None
    assert set(cache.index.pages) == pages  # a key for every page
    article = root / "content" / "articles" / "a3.md"
    article.write_text(article.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    assert 0 < cached_build(root).written < 6  # a rebuild after an edit, with that plan and those keys
    assert_same_as_cold(root, tmp_path)


def built_in_workers(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, *, seed: int, count: int, workers: int
) -> tuple[Path, random.Random]:
    """A site of `count` random articles, built with the cache in `workers` processes; and the random source."""
    rng = random.Random(seed)
    root = make_site({f"content/articles/a{n}.md": article_text(rng, n) for n in range(count)})
    in_workers(monkeypatch, workers)
    cached_build(root)
    return root, rng


def in_workers(monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    """Parse, work out page keys and render in `workers` processes however small the site (and store the articles
    from a child)."""
    monkeypatch.setattr(incremental, "PARALLEL_FILES", 1)
    monkeypatch.setattr(incremental, "PARALLEL_PAGES", 1)
    monkeypatch.setattr(incremental, "PARALLEL_KEYS", 1)
    monkeypatch.setattr("kursk_site.pipeline.worker_count", lambda: workers)


def assert_same_as_cold_serial(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kursk_site.pipeline.worker_count", lambda: 1)
    assert_same_as_cold(root, tmp_path)


def test_errors_found_in_worker_processes_are_all_reported(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(16)
    files = {f"content/articles/a{n}.md": article_text(rng, n) for n in range(6)}
    files["content/articles/a1.md"] = "---\ntitle: No date\n---\n\nText.\n"
    files["content/articles/a5.md"] = "---\ntitle: Bad date\ndate: 2024-13-01\n---\n\nText.\n"
    root = make_site(files)
    in_workers(monkeypatch, 2)

    with pytest.raises(BuildFailed) as failed:
        cached_build(root)
    assert [str(e) for e in failed.value.errors] == [
        "content/articles/a1.md:2: date: required, but missing (write it as YYYY-MM-DD)",
        "content/articles/a5.md:3: date: no such date: '2024-13-01'",
    ]


def test_on_a_disk_without_hard_links_kept_pages_are_copied_with_their_times(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(17)
    root = make_site({f"content/articles/a{n}.md": article_text(rng, n) for n in range(3)})
    cached_build(root)
    out = root / "build"
    before = {rel: ((out / rel).read_bytes(), times[1]) for rel, times in snapshot(out).items() if rel != MARKER}

    def no_links(source: object, target: object) -> None:
        raise OSError(1, "hard links not supported")

    monkeypatch.setattr("kursk_site.writer.os.link", no_links)
    (root / "content" / "articles" / "a1.md").write_text(article_text(rng, 21), encoding="utf-8")
    report = cached_build(root)
    assert 0 < report.written < report.files
    unchanged = [rel for rel, (data, _) in before.items() if (out / rel).is_file() and (out / rel).read_bytes() == data]
    assert unchanged
    for rel in unchanged:
        assert (out / rel).stat().st_mtime_ns == before[rel][1], rel
    assert_same_as_cold(root, tmp_path)


def test_a_cache_that_cannot_be_written_only_warns(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"content/articles/a.md": article_text(random.Random(18), 1)})
    (root / CACHE_DIR).write_text("a file where the cache folder should be", encoding="utf-8")
    report = cached_build(root)
    assert report.pages > 0
    assert any(w.startswith(f"cannot read the build cache {CACHE_DIR}/{INDEX}") for w in report.warnings)
    assert any(w.startswith(f"cannot write the build cache {CACHE_DIR}") for w in report.warnings)
    assert_same_as_cold(root, tmp_path)
    assert cached_build(root).warnings == ()  # what stood in the way was cleared: the next build writes the cache


@pytest.mark.parametrize("blocked", ["articles", "head.bin", "index.bin"])
def test_a_file_or_folder_in_the_way_of_the_cache_is_cleared_once(
    make_site: MakeSite, tmp_path: Path, blocked: str
) -> None:
    rng = random.Random(19)
    root = make_site({f"content/articles/a{n}.md": article_text(rng, n) for n in range(3)})
    cached_build(root)
    shutil.rmtree(root / CACHE_DIR)
    (root / CACHE_DIR).mkdir()
    if blocked == "articles":
        (root / CACHE_DIR / blocked).write_text("a file where a folder goes", encoding="utf-8")
    else:
        (root / CACHE_DIR / blocked / "inside").mkdir(parents=True)  # a folder where a file goes
    report = cached_build(root)
    assert any(w.startswith(f"cannot write the build cache {CACHE_DIR}/") for w in report.warnings), report.warnings
    assert any(blocked in w for w in report.warnings), report.warnings  # (the file in the way, not a temporary one)
    assert_same_as_cold(root, tmp_path)
    (root / "content" / "articles" / "a1.md").write_text(article_text(rng, 11), encoding="utf-8")
    assert cached_build(root).warnings == ()
    assert_same_as_cold(root, tmp_path)


def test_articles_stored_by_a_worker_process_serve_the_next_build(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, rng = built_in_workers(make_site, monkeypatch, seed=17, count=8, workers=2)
    cache = root / CACHE_DIR
    assert (cache / "head.bin").is_file() and (cache / articlestore.FOLDER / articlestore.TABLE).is_file()
    parsed: list[str] = []
    real = incremental.parse_files

    def counting(files: list[object], **kwargs: object) -> object:
        parsed.extend(str(f) for f in files)
        return real(files, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(incremental, "parse_files", counting)
    (root / "content/articles/a3.md").write_text(article_text(rng, 3), encoding="utf-8")
    cached_build(root)
    assert len(parsed) == 1  # the other seven came from the cache the worker wrote
    assert_same_as_cold_serial(root, tmp_path, monkeypatch)


def test_a_build_that_fails_after_storing_articles_leaves_no_head(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, rng = built_in_workers(make_site, monkeypatch, seed=18, count=8, workers=2)
    (root / "content/articles/a1.md").write_text(article_text(rng, 1), encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates/article.html").write_text("{{ page.nothing.here }}")
    with pytest.raises(BuildFailed):
        build(Project(root, root / "content", (root / "templates",), root / "build"), BuildOptions())
    assert not (root / CACHE_DIR / "head.bin").exists()  # the next build reads the whole cache again
    shutil.rmtree(root / "templates")
    assert cached_build(root).written > 0


def test_a_build_that_could_not_record_its_head_is_not_taken_for_the_one_before(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(19)
    root = make_site({f"content/articles/a{n}.md": article_text(rng, n) for n in range(3)})
    cached_build(root)  # its head names these inputs
    article = root / "content/articles/a1.md"
    text, stat = article.read_text(encoding="utf-8"), article.stat()
    # as where the cache folder cannot be written but the output can: the old head stays and no new one is saved
    monkeypatch.setattr(pipeline, "drop_head", lambda cache: None)
    monkeypatch.setattr(pipeline, "save_index", lambda *args: ("cannot write the build cache",))
    article.write_text(article_text(rng, 1), encoding="utf-8")
    assert cached_build(root).written > 0
    monkeypatch.undo()
    article.write_text(text, encoding="utf-8")  # back to the inputs the old head names, times and all
    os.utime(article, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert cached_build(root).written > 0  # the output is not the one the head was saved with: built again
    assert_same_as_cold(root, tmp_path)


def test_articles_stored_the_way_earlier_versions_did_are_removed(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"content/articles/a.md": article_text(random.Random(33), 1)})
    former = root / CACHE_DIR / "shards"
    former.mkdir(parents=True)
    (former / "000.bin").write_bytes(b"an article stored by an earlier version")
    (root / CACHE_DIR / "parsed.bin").write_bytes(b"a spool left by an earlier version")
    cached_build(root)
    assert sorted(p.name for p in (root / CACHE_DIR).iterdir() if not p.name.startswith("output-")) == [
        "articles",
        "head.bin",
        "index.bin",
        "plan.bin",
    ]
    assert_same_as_cold(root, tmp_path)


def test_articles_parsed_in_workers_are_stored_as_they_sent_them(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, rng = built_in_workers(make_site, monkeypatch, seed=31, count=8, workers=2)
    cache = open_cache(root / CACHE_DIR, tool_fingerprint(PACKAGE))
    store = root / CACHE_DIR / articlestore.FOLDER
    data_files = [p for p in store.iterdir() if p.name != articlestore.TABLE]
    assert 1 <= len(data_files) <= 2  # the spool's, of the articles a worker sent; one of those parsed here
    stored = load_articles(cache, [entry.key for entry in cache.index.articles.values()])
    assert len(stored) == 8
    (root / "content" / "articles" / "a3.md").write_text(article_text(rng, 3), encoding="utf-8")
    assert cached_build(root).written > 0  # seven articles from the cache, one parsed again
    assert_same_as_cold_serial(root, tmp_path, monkeypatch)


def test_articles_the_spool_could_not_store_are_packed_again(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(spool: Spool, articles: object) -> None:
        pass  # as where its data file could not be written

    monkeypatch.setattr(Spool, "add", failing)
    root, rng = built_in_workers(make_site, monkeypatch, seed=32, count=6, workers=2)
    cache = open_cache(root / CACHE_DIR, tool_fingerprint(PACKAGE))
    assert len(load_articles(cache, [entry.key for entry in cache.index.articles.values()])) == 6
    (root / "content" / "articles" / "a0.md").write_text(article_text(rng, 0), encoding="utf-8")
    cached_build(root)
    assert_same_as_cold_serial(root, tmp_path, monkeypatch)


def test_pages_rendered_in_worker_processes_keep_the_unchanged_files_of_the_previous_output(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each process writes the pages it renders (through the spare output folder): a template edit that changes
    only article pages rewrites those, and every other page keeps its file and time."""
    rng = random.Random(23)
    root = make_site({f"content/articles/a{n}.md": article_text(rng, n) for n in range(12)})
    in_workers(monkeypatch, 3)
    out = root / "build"
    layout = Project(root, root / "content", (root / "templates",), out)
    build(layout, BuildOptions())
    build(layout, BuildOptions())  # (a nothing-changed build: the next one has a spare folder to bring up to date)
    before = snapshot(out)
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "article.html").write_text(
        '{% extends "base:article.html" %}{% block head %}<meta name="x-test" content="1">{% endblock %}',
        encoding="utf-8",
    )
    report = build(layout, BuildOptions())
    after = snapshot(out)
    changed = {rel for rel in after if rel != MARKER and after[rel] != before.get(rel)}
    assert changed == {f"articles/a{n}.html" for n in range(12)}
    assert report.written == 12
    cold = tmp_path / "cold"
    build(Project(root, root / "content", (root / "templates",), cold), BuildOptions(cache=False))
    for rel in after:
        if rel != MARKER:
            assert (out / rel).read_bytes() == (cold / rel).read_bytes(), rel


def test_a_template_error_met_in_a_worker_process_is_reported_and_the_output_kept(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(24)
    root = make_site({f"content/articles/a{n}.md": article_text(rng, n) for n in range(30)})
    in_workers(monkeypatch, 2)
    assert main(["build", "--source", str(root)]) == 0
    before = snapshot(root / "build")
    (root / "templates").mkdir()
    (root / "templates" / "article.html").write_text(
        '{% extends "base:article.html" %}{% block head %}\n'
        "{% if page.article.slug == 'a29' %}{{ page.article.nope.deeper }}{% endif %}\n{% endblock %}",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["build", "--source", str(root)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("templates/article.html:2: template: UndefinedError: ")
    assert err[-1] == "build failed: 1 error; the previous output is unchanged"
    assert snapshot(root / "build") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".kursk-tmp-")]


def test_a_page_path_taken_by_a_static_file_is_reported_before_workers_render(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(25)
    root = make_site(
        {
            **{f"content/articles/a{n}.md": article_text(rng, n) for n in range(8)},
            "static/articles": "a file where the pages' folder goes\n",
        }
    )
    in_workers(monkeypatch, 2)
    assert main(["build", "--source", str(root)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        "static/articles: refusing to write 'articles': it is a folder of the output (article.html is written in it)"
    )
    assert not (root / "build").exists()


def test_a_build_without_compiled_templates_has_a_child_compile_them_while_it_reads(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    every_template = compiled_templates((), THEME).keys()
    compiled_here: list[str] = []  # (what a forked child appends stays in its own copy)
    real_compile = Environment.compile

    def noted(self: object, source: object, name: str | None = None, *rest: object, **kw: object) -> object:
        compiled_here.append(str(name))
        return real_compile(self, source, name, *rest, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Environment, "compile", noted)
    asides: list[object] = []
    real_aside = pipeline.call_aside

    def aside(fn: Callable[[], object]) -> object:
        asides.append(fn)
        return real_aside(fn)

    monkeypatch.setattr(pipeline, "call_aside", aside)
    root, _ = built_in_workers(make_site, monkeypatch, seed=5, count=6, workers=2)
    assert len(asides) == 1 and compiled_here == []  # the child compiled every template, this process none
    cache = open_cache(root / CACHE_DIR, tool_fingerprint(PACKAGE))
    assert cache.index.templates.keys() == every_template  # (as the child compiled them)
    assert_same_as_cold(root, tmp_path)  # (a build without the cache: a child compiles the templates too)
    asides.clear()
    (root / "content" / "site.yaml").write_text(SITE_YAML.replace("A desk for tests.", "Edited."), "utf-8")
    assert cached_build(root).written > 0  # a full build again, the templates compiled from the cache: no child
    assert asides == [] and compiled_here == []


def test_if_the_child_compiling_templates_fails_the_build_compiles_them_itself(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> dict[str, bytes]:
        raise OSError("no room")

    monkeypatch.setattr(pipeline, "compiled_templates", broken)
    root, _ = built_in_workers(make_site, monkeypatch, seed=6, count=6, workers=2)
    assert (root / "build" / "index.html").is_file()
    assert_same_as_cold(root, tmp_path)
