"""The floor for any generator on these libraries: read, split the front matter, Markdown, one template, write.

    python bench/bare_loop.py ARTICLES_DIR OUT_DIR [--processes N]

Each article file is read, its YAML front matter parsed (yaml.safe_load), its body rendered with markdown-it-py
(CommonMark plus tables), put through one Jinja2 template, and written as one page. No listings, no feed, no
checks: what is left when a generator does nothing else.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from collections.abc import Sequence
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ meta.title }}</title></head>
<body><article><h1>{{ meta.title }}</h1><p>{{ meta.author }} · {{ meta.date }}</p>
{{ body | safe }}</article></body></html>
"""


def render_files(job: tuple[Sequence[Path], Path]) -> int:
    files, out = job
    md = MarkdownIt("commonmark").enable("table")
    template = jinja2.Environment(autoescape=True).from_string(TEMPLATE)
    for path in files:
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta = yaml.safe_load(front)
        html = template.render(meta=meta, body=md.render(body))
        (out / (path.stem + ".html")).write_text(html, encoding="utf-8")
    return len(files)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("articles", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args(argv)
    files = sorted(args.articles.glob("*.md"))
    args.out.mkdir(parents=True, exist_ok=True)
    n = max(1, args.processes)
    jobs = [(files[i::n], args.out) for i in range(n)]
    if n == 1:
        done = render_files(jobs[0])
    else:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            done = sum(pool.map(render_files, jobs))
    print(f"bare loop: {done} pages with {n} process{'es' if n > 1 else ''}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
