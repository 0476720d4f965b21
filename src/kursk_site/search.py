"""Site -> search-index.js: a compact index that loads through a plain <script>, so search works from disk (pure).

The index holds, for each article (newest first): title, slug (its page is `path[0] + slug + path[1]`), date, a
shortened summary, its sections, its topics, its part headings (numbers into one table of distinct headings) and a
bounded set of distinctive body terms. It is assigned to `window.KURSK_SEARCH`;
the search page's script (the `search.js` template) reads it. No fetch, no modules, no WebAssembly.
"""

from __future__ import annotations

import heapq
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from kursk_site import urls
from kursk_site.model import Article, OutputFile, Site, text_direction

INDEX_VERSION = 1
SUMMARY_CHARS = 160
"""Summaries longer than this are cut at a word boundary and end with an ellipsis."""
TERMS_PER_ARTICLE = 12
"""How many distinctive body words each article adds to the index: the bound that keeps a large archive small."""
MIN_TERM_LENGTH = 4
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    """
    about above after again against also although among another because been before being below between both but
    came cannot could does doing down during each even ever every from further had has have having here hers
    herself himself into itself just last like made make many more most much must near need only other over own
    same said says should since some such than that their theirs them themselves then there these they this those
    through under until upon very were what when where whether which while whom whose will with within without
    would your yours yourself also already almost always away back being well will year years while still just
    """.split()  # noqa: SIM905 (a block of words reads better than a 120-item list)
)


def fold(text: str) -> str:
    """Lower case without accents (NFKD, marks dropped), as the search script folds the reader's query."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))


def words_of(text: str) -> list[str]:
    return _WORD_RE.findall(fold(text))


def shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    """`text` cut to at most `limit` characters at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:.") + "…"


def _body_counts(article: Article) -> Counter[str]:
    """How often each indexable word occurs in the article's body."""
    counts = Counter(words_of("\n".join(block.text for part in article.parts for block in part.blocks)))
    for word in [w for w in counts if len(w) < MIN_TERM_LENGTH or w in STOPWORDS or w.isdigit()]:
        del counts[word]
    return counts


def distinctive_terms(articles: Iterable[Article], limit: int = TERMS_PER_ARTICLE) -> dict[str, tuple[str, ...]]:
    """For each article (by slug), up to `limit` body words by tf-idf that its title, summary and topics lack."""
    counts = {a.slug: _body_counts(a) for a in articles}
    known = {a.slug: set(words_of(" ".join((a.title, a.summary, *(t.name for t in a.topics))))) for a in articles}
    documents: Counter[str] = Counter()
    for counter in counts.values():
        documents.update(counter.keys())
    idf = {word: math.log((1 + len(counts)) / n) for word, n in documents.items()}
    result: dict[str, tuple[str, ...]] = {}
    for slug, counter in counts.items():
        best = heapq.nsmallest(limit, ((-tf * idf[w], w) for w, tf in counter.items() if w not in known[slug]))
        result[slug] = tuple(sorted(word for _, word in best))
    return result


def _beyond_summary(article: Article) -> list[str]:
    """Words a reader sees at the top of the article that the index would miss: those of its summary past the
    cut (shorten), and the names of its sources."""
    shown = set(words_of(shorten(article.summary)))
    extra = [w for w in words_of(article.summary) if w not in shown]
    extra += words_of(" ".join(source.name for source in article.sources))
    return list(dict.fromkeys(w for w in extra if len(w) > 1 and w not in STOPWORDS))


def build_search_index(site: Site) -> dict[str, object]:
    """The index as plain data: sections, topics, and one row per article (see the module docstring)."""
    sections = [[rule.key, rule.title] for rule in site.config.sections]
    section_number = {rule.key: index for index, rule in enumerate(site.config.sections)}
    topic_names = sorted({topic.name for a in site.articles for topic in a.topics}, key=lambda n: (fold(n), n))
    topic_number = {name: index for index, name in enumerate(topic_names)}
    terms = distinctive_terms(site.articles)
    headings: dict[str, int] = {}  # each distinct heading once: archives repeat "What comes next" and the like
    docs = []
    for article in site.articles:
        present = {part.section for part in article.parts}
        docs.append(
            [
                article.title,
                article.slug,
                article.published.date().isoformat(),
                shorten(article.summary),
                [section_number[key] for key in site.config.section_keys if key in present],
                [topic_number[topic.name] for topic in article.topics],
                [
                    headings.setdefault(part.heading.text, len(headings))
                    for part in article.parts
                    if part.heading is not None
                ],
                " ".join((*terms[article.slug], *_beyond_summary(article))),
            ]
        )
    prefix, _, suffix = str(urls.article_path("\0")).partition("\0")
    # the language and direction of each article written in another language than the site's, by its row (few have one)
    languages = {
        str(number): [a.language, text_direction(a.language)] for number, a in enumerate(site.articles) if a.language
    }
    return {
        "v": INDEX_VERSION,
        "fields": ["title", "slug", "date", "summary", "sections", "topics", "headings", "terms"],
        "path": [prefix, suffix],
        "sections": sections,
        "topics": topic_names,
        "headings": list(headings),
        "docs": docs,
        "languages": languages,
    }


def render_search_index(site: Site) -> OutputFile:
    """search-index.js: the index assigned to `window.KURSK_SEARCH`, in one line of compact JSON."""
    data = json.dumps(build_search_index(site), ensure_ascii=False, separators=(",", ":"))
    # JSON is valid JavaScript; escaping '<' keeps the file safe even if someone inlines it into a page.
    data = data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    text = f"/* kursk-site search index, format {INDEX_VERSION} */\nwindow.KURSK_SEARCH={data};\n"
    return OutputFile(urls.SEARCH_INDEX, text.encode("utf-8"), "search index")
