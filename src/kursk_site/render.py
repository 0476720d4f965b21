"""The only jinja2 user: pages -> HTML OutputFiles, through one safe, shadowable template environment."""

from __future__ import annotations

import contextlib
import hashlib
import math
import posixpath
import re
import traceback
from collections.abc import Callable, MutableMapping, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.meta
import jinja2.nodes
from jinja2 import pass_context
from markupsafe import Markup

from kursk_site import urls
from kursk_site.addresses import MAYBE_ADDRESS
from kursk_site.analysis import article_figures, latest_figures, mentioned_entities, notes_for, site_figures
from kursk_site.entitylinks import MentionLinker
from kursk_site.errors import BuildFailed, ContentError, Unavailable
from kursk_site.escaping import Environment
from kursk_site.feeds import FEED_ITEMS
from kursk_site.model import (
    Article,
    Block,
    BlockKind,
    Entity,
    EntityIndex,
    Footnote,
    OutputFile,
    Site,
    Source,
    SourceIndex,
    Topic,
    TopicIndex,
    text_direction,
)
from kursk_site.pages import Page, SectionLink, plan_pages, section_links
from kursk_site.structured import script_json, structured_data

WORDS_PER_MINUTE = 230

NOT_FOUND = urls.NOT_FOUND.as_posix()
FEED_ENTRY = "feed_entry.html"
"""The template of an article's text in the feeds."""


class MappingBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in a mapping that the build cache stores; Jinja checks each against its source."""

    def __init__(self, store: MutableMapping[str, bytes]) -> None:
        self.store = store

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def make_env(
    search_path: tuple[Path, ...], builtin: Path, compiled: MutableMapping[str, bytes] | None = None
) -> jinja2.Environment:
    """A fresh environment: the site's template folders first, then the built-in theme (also as `base:NAME`).

    `compiled` keeps compiled templates between builds (see MappingBytecodeCache).
    """
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(p) for p in (*search_path, builtin)]),
            jinja2.PrefixLoader({"base": jinja2.FileSystemLoader(str(builtin))}, delimiter=":"),
        ]
    )
    env = Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(("html", "xml")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=MappingBytecodeCache(compiled) if compiled is not None else None,
    )
    env.filters.update(
        url=_url,
        href=_href,
        absolute=_absolute,
        html=_html,
        blocks=_blocks,
        badges=_badges,
        date=_memo(_date),
        isodate=_memo(_isodate),
        minutes=_minutes,
        words=_words,
        jsonld=_jsonld,
        source_entry=_source_entry,
        partial_date=partial_date,
        language=_language,
    )
    env.globals.update(
        notes_for=notes_for,
        site_figures=site_figures,
        latest_figures=latest_figures,
        article_figures=article_figures,
        mentioned_entities=mentioned_entities,
    )
    env.tests.update(repeating_lede=_repeats_lede)
    return env


def _badges(article: Article, sections: Sequence[SectionLink]) -> list[tuple[SectionLink, str]]:
    """The sections an article has a part in, each with the anchor to link to on its page: the section's, or
    the lede's for a section holding only the lede (it has no <section> of its own on the article page)."""
    headed: dict[str, bool] = {}
    for part in article.parts:
        headed[part.section] = headed.get(part.section, False) or part.heading is not None
    return [(link, link.rule.key if headed[link.rule.key] else "lede") for link in sections if link.rule.key in headed]


@pass_context
def _language(context: Any, article: Article) -> Markup:
    """` lang="..." dir="..."` for an element holding an article written in another language than the site's (the
    direction where it differs from the site's); "" for an article in the site's language."""
    if not article.language:
        return Markup("")
    config = context["site"].config
    direction = text_direction(article.language)
    if direction == config.text_direction:
        return Markup(' lang="{}"').format(article.language)
    return Markup(' lang="{}" dir="{}"').format(article.language, direction)


def _repeats_lede(article: Article) -> bool:
    """True when the summary is (the start of) the first paragraph, so showing both would say it twice."""
    first = next((b.text for p in article.parts for b in p.blocks if b.kind is BlockKind.PARAGRAPH), "")
    return bool(article.summary) and first.startswith(article.summary.removesuffix("…"))


@pass_context
def _url(context: Any, target: PurePosixPath | str) -> str:
    """A link from the page being rendered to `target` (a site path, optionally with #fragment)."""
    folder = context.parent.get("page_folder")  # given by render_pages (links are made by the million)
    if folder is None:
        here = context["page"].path.as_posix()
        if here == NOT_FOUND:  # served at any depth: absolute links when the site's address is known
            site: Site = context["site"]
            if site.config.base_url:
                return urls.absolute_url(site.config.base_url, target)
        folder = posixpath.dirname(here)
    return urls.link_from(folder, str(target))


def target_path(item: object) -> str:
    """The page that shows `item` (an article, a topic, a section, an entity or a source), as a site path."""
    if isinstance(item, Article):
        return urls.article_file(item.slug)  # as text: links to articles are made by the ten thousand
    if isinstance(item, TopicIndex):
        return urls.topic_file(item.topic.slug)
    if isinstance(item, Topic):
        return urls.topic_file(item.slug)
    if isinstance(item, SectionLink):
        return str(urls.section_path(item.rule.key))
    if isinstance(item, EntityIndex):
        return str(urls.entity_path(item.entity.slug))
    if isinstance(item, Entity):
        return str(urls.entity_path(item.slug))
    if isinstance(item, SourceIndex):
        return f"{urls.SOURCES}#source-{item.source.slug}"
    if isinstance(item, Source):
        return f"{urls.SOURCES}#source-{item.slug}"
    raise TypeError(f"no page shows a {type(item).__name__}")


@pass_context
def _href(context: Any, item: object, fragment: str = "") -> str:
    """A link from the page being rendered to the page of `item`, optionally to an #anchor in it."""
    path = target_path(item)
    return str(_url(context, f"{path}#{fragment}" if fragment else path))


@pass_context
def _absolute(context: Any, target: PurePosixPath | str) -> str:
    site: Site = context["site"]
    return urls.absolute_url(site.config.base_url, target)


@pass_context
def _html(context: Any, block: Block | Footnote) -> Markup:
    """Body HTML made by the Markdown parser (raw HTML in it is escaped unless the site allows it).

    On article pages the first mention of each entity in the text (never in headings) links to its page.
    """
    html = (context.get("body_links") or str)(block.html)
    linker = context.get("linker")
    if isinstance(linker, MentionLinker) and isinstance(block, Block) and block.kind is not BlockKind.HEADING:
        return Markup(linker.link(html))
    return Markup(html)


@pass_context
def _blocks(context: Any, blocks: Sequence[Block], shift: int) -> Markup:
    """A part's blocks as HTML, one per line; a subheading goes `shift` levels down (to h6 at most), with its
    anchor as its id on the article's own page (a link of the text may lead there: `#a-subheading`; on other pages
    such a link leads to the article's page, and two articles there may have subheadings alike).

    What the `blocks` macro of _macros.html writes, made in one call (the pages show thousands of blocks); the text
    as _html gives it.
    """
    linker = context.get("linker")
    link = linker.link if isinstance(linker, MentionLinker) else None
    rebased = context.get("body_links") or str
    own_page = context.parent.get("page_folder") == urls.ARTICLES
    out = []
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            level = min(block.level + shift, 6)
            anchor = f' id="{block.slug}"' if own_page and block.slug else ""
            out.append(f'<h{level}{anchor} class="subhead">{rebased(block.html)}</h{level}>\n')
        else:
            html = rebased(block.html)
            out.append(f"{html if link is None else link(html)}\n")
    return Markup("".join(out))


def body_links(page: str, base_url: str = "", *, raw: bool = False) -> Callable[[str], str]:
    """Body HTML of an article with its relative links and images leading from page `page` (they are written from
    the article's own page: see urls.rebase_body_links); absolute from `base_url` when given (the feeds). `raw`: the
    site allows raw HTML. Made once for each page (the `body_links` of its context), used by the filters that show
    body HTML."""
    folder, _, name = page.rpartition("/")
    if folder == urls.ARTICLES and not base_url:  # written from here: only links to this very page change
        mark = f"{name}#"
        return lambda html: urls.rebase_body_links(html, page, raw=raw) if mark in html else html
    maybe = MAYBE_ADDRESS.search if raw else urls.MAYBE_RELATIVE.search

    def rebased(html: str) -> str:
        if "=" not in html or maybe(html) is None:
            return html  # (most blocks: no attribute, or no relative address)
        return urls.rebase_body_links(html, page, base_url, raw=raw)

    return rebased


@pass_context
def _jsonld(context: Any, page: Page) -> list[Markup]:
    """The page's JSON-LD objects, each escaped so that it cannot leave its <script> element (made from the
    settings and the page alone)."""
    site: Site = context["site"]
    return [Markup(script_json(data)) for data in structured_data(site.config, page)]


@pass_context
def _source_entry(context: Any, name: str, article: Article | None = None) -> Source | None:
    """The sources.html entry of a source name that a figure or event on this page gives (None for none); with
    the figure's `article`, with the link that article gives the source (another article may link another story
    of the same source: the entry has the first link found)."""
    page: Page = context["page"]
    wanted = name.casefold()
    entry = next((s for s in page.sources if wanted and s.name.casefold() == wanted), None)
    own = next((s for s in article.sources if s.name.casefold() == wanted), None) if article else None
    if entry is None or own is None or own.url == entry.url:
        return entry
    return Source(entry.name, entry.slug, own.url)


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def partial_date(value: str) -> str:
    """`2024` -> 2024, `2024-11` -> November 2024, `2024-11-05` -> 5 November 2024."""
    parts = value.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return value


def _date(moment: datetime) -> str:
    """`5 November 2024` (English month names whatever the system's locale)."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def _isodate(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _memo(show: Callable[[datetime], str]) -> Callable[[datetime], str]:
    """`show` answering each date once, from a table of its own: the pages show each article's dates a dozen
    times (its page, the listings, the related links of other articles), and `isoformat` takes ~3 us a call.
    (Keyed with the time zone too: 10:00 UTC equals 11:00 at +01:00, and is shown otherwise.)"""
    shown: dict[tuple[datetime, object], str] = {}

    def memo(moment: datetime) -> str:
        key = (moment, moment.tzinfo)
        found = shown.get(key)
        if found is None:
            found = shown[key] = show(moment)
        return found

    return memo


def _words(count: int) -> str:
    """`1 word`, `1,234 words`."""
    return f"{count:,} word{'' if count == 1 else 's'}"


def _minutes(words: int) -> int:
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def _entity_href(at: PurePosixPath, entity: Entity) -> str:
    return urls.relative_url(at, urls.entity_path(entity.slug))


def render_pages(
    site: Site, env: jinja2.Environment, root: Path, pages: Sequence[Page] | None = None
) -> tuple[OutputFile, ...]:
    """Every HTML page of the site (or just `pages`); template problems become ContentErrors in the template."""
    sections = section_links(site)
    tones = {link.rule.key: link.tone for link in sections}
    out = []
    for page in plan_pages(site) if pages is None else pages:
        extra: dict[str, Any] = {}
        if page.article is not None and site.entities:
            extra["linker"] = MentionLinker(
                tuple(index.entity for index in site.entities), partial(_entity_href, page.path)
            )
        path = page.path.as_posix()
        extra["body_links"] = body_links(path, raw=site.config.allow_raw_html)
        if path != NOT_FOUND:
            extra["page_folder"] = posixpath.dirname(path)
        html = render_template(env, page.template, root, site=site, page=page, sections=sections, tones=tones, **extra)
        out.append(OutputFile(page.path, html.encode("utf-8"), page.template))
    return tuple(out)


def compile_templates(env: jinja2.Environment) -> None:
    """Load every template now (broken ones are reported when a page uses them)."""
    assert env.loader is not None
    for name in env.loader.list_templates():
        if name.endswith((".html", ".xml")):
            with contextlib.suppress(jinja2.TemplateError, UnicodeDecodeError):
                env.get_template(name)


def compiled_templates(search_path: tuple[Path, ...], builtin: Path) -> dict[str, bytes]:
    """Every template of make_env(search_path, builtin) compiled, as its bytecode cache keeps them: for a build
    whose cache holds none, made by another process while this one reads the articles (see pipeline)."""
    compiled: dict[str, bytes] = {}
    compile_templates(make_env(search_path, builtin, compiled))
    return compiled


def page_context(site: Site) -> tuple[object, ...]:
    """What every page shows besides its Page value: the settings, the section links, the timeline and the
    entities (timeline.yaml and entities.yaml count like the settings: a change re-renders all)."""
    sections = section_links(site)
    entities = tuple(index.entity for index in site.entities)  # what the mention linker of article pages uses
    return (site.config, sections, {link.rule.key: link.tone for link in sections}, site.timeline, entities)


def template_digest(env: jinja2.Environment) -> str:
    """Digest of every template the environment can load, by name and source."""
    digest = hashlib.blake2b(digest_size=16)
    loader = env.loader
    assert loader is not None
    for name in sorted(loader.list_templates()):
        try:
            data = loader.get_source(env, name)[0].encode("utf-8", "surrogatepass")
        except jinja2.TemplateNotFound:
            continue
        except UnicodeDecodeError as e:  # not a template (an image of the theme's static files, a .DS_Store)
            data = bytes(e.object)
        digest.update(f"{len(name)}:{name}:{len(data)}:".encode() + data)
    return digest.hexdigest()


def reads_whole_site(env: jinja2.Environment, name: str) -> bool:
    """Whether template `name`, or one it extends, includes or imports, reads `site` beyond `site.config`.

    Such a page depends on every article; any other page depends only on its Page value and `page_context`.
    Unknown or broken templates count as reading everything.
    """
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source = env.loader.get_source(env, current)[0] if env.loader else ""
            tree = env.parse(source)
        except (jinja2.TemplateError, UnicodeDecodeError):
            return True
        if _uses_site(tree):
            return True
        for ref in jinja2.meta.find_referenced_templates(tree):
            if ref is None:
                return True
            todo.append(ref)
    return False


def _uses_site(node: jinja2.nodes.Node, parent: jinja2.nodes.Node | None = None) -> bool:
    if isinstance(node, jinja2.nodes.Name) and node.name == "site":
        return not (isinstance(parent, jinja2.nodes.Getattr) and parent.attr == "config" and parent.node is node)
    return any(_uses_site(child, node) for child in node.iter_child_nodes())


def render_search_script(env: jinja2.Environment, root: Path) -> OutputFile:
    """assets/search.js, the search page's script, from the `search.js` template (so a theme can replace it)."""
    script = render_template(env, "search.js", root)
    return OutputFile(urls.SEARCH_SCRIPT, script.encode("utf-8"), "search.js")


def render_feed_bodies(site: Site, env: jinja2.Environment, root: Path) -> dict[str, str]:
    """The full HTML of each article for the feeds, by slug: links and images absolute when the site's address is
    known, else leading from the feed (at the site's root)."""
    sections = section_links(site)
    links = {"body_links": body_links(urls.FEED.as_posix(), site.config.base_url, raw=site.config.allow_raw_html)}
    bodies = {}
    for a in site.articles[:FEED_ITEMS]:
        body = render_template(env, FEED_ENTRY, root, site=site, article=a, sections=sections, **links)
        page = urls.article_file(a.slug)  # a link to a place in the article (a note, a heading) leads to its page
        target = (urls.absolute_url(site.config.base_url, page) or page).replace("\\", "\\\\")
        bodies[a.slug] = PLACE_LINK_RE.sub(rf"\g<1>{target}#", body)
    return bodies


PLACE_LINK_RE = re.compile(r"""(\shref=["'])#""")
"""A link to a place in the same page (`href="#fn-slug-1"`): a feed reader would look for it in the feed."""


def render_template(env: jinja2.Environment, name: str, root: Path, **context: Any) -> str:
    try:
        template = env.get_template(name)
        page = template.new_context(context)
        try:
            return env.concat(template.root_render_func(page))
        except Exception:
            env.handle_exception()
        finally:
            _free_macros(page)
    except jinja2.TemplateSyntaxError as e:
        raise BuildFailed(
            [ContentError(_display(e.filename or name, root), e.lineno or 0, f"template: {e.message}")]
        ) from None
    except jinja2.TemplateNotFound as e:  # (at the template and line that names it, where it is not `name` itself)
        path, line = _template_frame(e, name)
        problem = f"template not found: {e.name}"
        raise BuildFailed([ContentError(_display(path, root) if line else name, line, problem)]) from None
    except UnicodeDecodeError as e:
        line = bytes(e.object[: e.start]).count(b"\n") + 1
        problem = f"template is not UTF-8 text (byte {e.object[e.start]:#04x} cannot be read); save it as UTF-8"
        raise BuildFailed([ContentError(_display(_template_file(env, e, name), root), line, problem)]) from None
    except Unavailable:
        raise
    except Exception as e:
        path, line = _template_frame(e, name)
        raise BuildFailed([ContentError(_display(path, root), line, f"template: {type(e).__name__}: {e}")]) from None


def _free_macros(page: jinja2.runtime.Context) -> None:
    """Cut the macros of a rendered page loose from their code. A macro's code refers to the context it was made
    in, which holds the macro: each page rendered left such rings (about 85 objects an article page, from the
    `import ... with context` of its macro files) that only the cycle collector frees, and going over them took
    it 1-2 s of a large site's build. Cut, they are freed as soon as the page is done."""
    for value in page.vars.values():
        for item in vars(value).values() if isinstance(value, jinja2.environment.TemplateModule) else (value,):
            if isinstance(item, jinja2.runtime.Macro):
                item._func = None  # type: ignore[assignment]


def _template_file(env: jinja2.Environment, error: UnicodeDecodeError, name: str) -> str:
    """The file of the template (`name` or one it uses) whose bytes `error` could not read, as far as the loader's
    folders tell; else `name`."""
    size = len(error.object)
    for loader in getattr(env.loader, "loaders", ()):
        for folder in getattr(loader, "searchpath", ()):
            for path in sorted(Path(folder).rglob("*")):
                with contextlib.suppress(OSError):
                    if path.is_file() and path.stat().st_size == size and path.read_bytes() == error.object:
                        return str(path)
    return name


def _template_frame(error: BaseException, name: str) -> tuple[str, int]:
    """The innermost template frame of a render error (Jinja maps its frames to template lines)."""
    found = (name, 0)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith((".html", ".xml")) and frame.lineno:
            found = (frame.filename, frame.lineno)
    return found


def _display(filename: str, root: Path) -> str:
    path = Path(filename)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix() if not path.is_absolute() else f"(built-in theme) {path.name}"
