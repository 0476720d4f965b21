"""Links the first mention of each entity in a page's body HTML to its page: text nodes only (pure)."""

from __future__ import annotations

import html
from collections.abc import Callable
from html.parser import HTMLParser

from kursk_site.model import Entity

SKIP_TAGS = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "kbd", "samp", "sup", "script", "style"})
"""Text inside these is never linked: existing links, headings, code, footnote marks."""


class MentionLinker:
    """Links each entity once per page, at its first mention in the blocks given to `link`, in order."""

    def __init__(self, entities: tuple[Entity, ...], href: Callable[[Entity], str]) -> None:
        self.entities = entities
        self.href = href
        self.seen: set[str] = set()

    def link(self, body: str) -> str:
        """`body` with the first mention of each entity not yet linked on this page wrapped in a link."""
        if len(self.seen) == len(self.entities):
            return body
        parser = _Rewriter(self)
        parser.feed(body)
        parser.close()
        return "".join(parser.out)

    def link_text(self, text: str) -> str:
        """Link mentions in one HTML text node (already escaped), earliest first."""
        out: list[str] = []
        position = 0
        while True:
            best = None
            for entity in self.entities:
                if entity.slug in self.seen:
                    continue
                match = entity.pattern.search(text, position)
                if match and (best is None or match.start() < best[1].start()):
                    best = (entity, match)
            if best is None:
                break
            entity, match = best
            self.seen.add(entity.slug)
            href = html.escape(self.href(entity), quote=True)
            out.append(text[position : match.start()])
            out.append(f'<a class="entity-link" href="{href}">{match.group()}</a>')
            position = match.end()
        out.append(text[position:])
        return "".join(out)


class _Rewriter(HTMLParser):
    """Copies HTML through unchanged, except for text nodes outside SKIP_TAGS."""

    def __init__(self, linker: MentionLinker) -> None:
        super().__init__(convert_charrefs=False)
        self.linker = linker
        self.out: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag in SKIP_TAGS:
            self.skipping.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        if tag in self.skipping:
            while self.skipping and self.skipping.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.out.append(data if self.skipping else self.linker.link_text(data))

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")
