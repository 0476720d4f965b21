"""Starts things for the editor: a new site folder (`init`) and a new article file (`new`); never overwrites."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from kursk_site import __version__
from kursk_site.build import THEME
from kursk_site.config import load_config
from kursk_site.content import slug_owners
from kursk_site.content.article import slug_from_title
from kursk_site.content.discover import display_path
from kursk_site.errors import UsageError
from kursk_site.install_spec import InstallSpec
from kursk_site.model import Project, SiteConfig

STARTER = Path(__file__).parent / "starter"
"""The files `init` writes: site.yaml, the example article, the Pages workflow, its requirements.txt, .gitignore."""
EXAMPLE = "how-this-desk-works.md"


KEPT = frozenset((".git", ".hg", ".svn"))
"""What a folder `init` writes into may hold: a new, empty repository (cloned, or made with `git init`)."""


def init_site(target: Path, today: date, spec: InstallSpec) -> tuple[Path, ...]:
    """Write a new site folder that builds at once; refuses a folder that holds anything. Returns what it wrote.

    `spec` is what the Pages workflow installs kursk-site from (written to requirements.txt).
    """
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file; init needs a new or empty folder")
    if target.is_dir() and any(entry.name not in KEPT for entry in target.iterdir()):
        raise UsageError(f"{target} is not empty; init writes only into a new or empty folder")
    files = {
        Path("content/site.yaml"): (STARTER / "site.yaml").read_text(encoding="utf-8"),
        Path("content/articles") / EXAMPLE: (STARTER / "example.md").read_text(encoding="utf-8"),
        Path(".github/workflows/pages.yml"): (STARTER / "pages.yml").read_text(encoding="utf-8"),
        Path(".gitignore"): (STARTER / "gitignore").read_text(encoding="utf-8"),
        Path("requirements.txt"): requirements_text(spec),
    }
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for rel, text in files.items():
        text = text.replace("{date}", today.isoformat()).replace("{version}", __version__)
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as f:
            f.write(text)
        written.append(path)
    shutil.copytree(THEME, target / "templates", ignore=shutil.ignore_patterns("__pycache__", ".*"))
    written.append(target / "templates")
    return tuple(sorted(written))


def requirements_text(spec: InstallSpec) -> str:
    """requirements.txt for the Pages workflow: the one kursk-site requirement, with comments on changing it."""
    origin = (
        "kursk-site init found no Git address for the kursk-site it ran, so this asks the package index (PyPI)."
        if spec.fallback
        else "kursk-site init wrote the Git commit of the kursk-site it ran, so the site builds with that same version."
    )
    text = (STARTER / "requirements.txt").read_text(encoding="utf-8")
    return text.replace("{origin}", origin).replace("{requirement}", spec.requirement)


def new_article(project: Project, title: str, section: str | None, today: date) -> Path:
    """Write content/articles/<slug>.md for `title` (a draft dated `today`); an existing file is an error."""
    title = title.strip()
    if not title or "\n" in title or "\r" in title:
        raise UsageError("the title must be one non-empty line")
    slug = slug_from_title(title)
    if not slug:
        raise UsageError(f"cannot make a file name from the title {title!r}: it needs a letter or a digit")
    site_yaml = project.content_dir / "site.yaml"
    config = load_config(site_yaml, display_path(site_yaml, project.root))
    if section is not None and section not in config.section_keys:
        raise UsageError(f"--section {section}: no such section; expected one of: {', '.join(config.section_keys)}")
    articles = project.content_dir / "articles"
    for existing in slug_owners(articles, project.root, slug):
        raise UsageError(
            f"{existing.display} already has the slug {slug!r}; kursk-site never overwrites an article, and two may "
            "not share a slug: choose another title, or edit that file"
        )
    path = articles / f"{slug}.md"
    if path.exists() or path.is_symlink():  # (its front matter gives it another slug)
        raise UsageError(f"{display_path(path, project.root)} already exists; kursk-site never overwrites an article")
    articles.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as f:
        f.write(article_text(title, today, config, section))
    return path


def article_text(title: str, today: date, config: SiteConfig, section: str | None) -> str:
    """The text of a new article: front matter, a lede, and a part for the chosen section (or for each)."""
    rules = [config.section(section)] if section else list(config.sections)
    parts = "".join(f"\n## {rule.title} {{section: {rule.key}}}\n\n{rule.summary or 'Write here.'}\n" for rule in rules)
    return (
        "---\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"date: {today.isoformat()}\n"
        "# summary: One sentence for lists, feeds and search results (else the first paragraph).\n"
        "tags: []\n"
        "sources: []\n"
        "draft: true  # left out of `kursk-site build` until this is false\n"
        "---\n\n"
        "The lede: the text before the first heading opens the article and belongs to its first section.\n"
        f"{parts}"
    )
