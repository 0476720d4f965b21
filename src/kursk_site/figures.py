"""Text -> the key figures it states, the sources it names and the claims it makes without one (pure)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import MappingProxyType

from kursk_site.content.wire import AGENCIES, EDITORS_NOTE_RE
from kursk_site.model import Block, BlockKind, KeyFigure
from kursk_site.values import Value

TEXT_KINDS = frozenset({BlockKind.PARAGRAPH, BlockKind.LIST, BlockKind.QUOTE, BlockKind.TABLE})
"""Blocks whose words are read; headings and code are not."""

_APOS = "'\u2019"
_NAME_WORD = rf"[A-Z][\w{_APOS}&.-]*"
# A proper name: capitalised words, with small joining words inside ("Institute for the Study of War").
_NAME = rf"{_NAME_WORD}(?:\s+(?:(?:of|for|the|and|on|de)\s+){{0,2}}{_NAME_WORD}){{0,6}}"
"""Bounded (seven words at most), so a long run of capitalised words costs linear time, not quadratic."""
_QUALIFIER = (
    r"(?:well\s+over|over|no\s+(?:more|fewer|less)\s+than|not\s+(?:more|fewer|less)\s+than|more\s+than|almost"
    r"|nearly|about|around|roughly|approximately|some|at\s+least|up\s+to|fewer\s+than|less\s+than"
    r"|as\s+(?:many|much|few|little|high|low)\s+as|an\s+estimated|close\s+to|at\s+most|upwards\s+of)"
)
_NUMBER = r"\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.])|\d+(?:\.\d+)?"
"""1,000 / 35 000 (a space, a no-break or a thin space between thousands) / 12 / 1.5."""
FIGURE_RE = re.compile(
    rf"(?<![\w.,#:-])(?:(?P<qual>{_QUALIFIER})\s+)?(?P<cur>[$€£₽]\s?|(?:US\$|USD|EUR|GBP|RUB|UAH|CNY)\s?)?(?P<num>{_NUMBER})"
    rf"(?P<upper>\s*[\u2013\u2014-]\s*(?:{_NUMBER}))?"
    r"(?P<scale>[\s-]+(?:thousand|million|billion|trillion)\b|(?:bn|m|k)\b)?(?P<pct>\s*%|\s+per\s?cent\b)?(?![\w%:])",
    re.IGNORECASE,
)
"""A number, with what qualifies it (`no fewer than`), its currency, the top of a range (`3,000-4,000`), its scale
and a percent sign."""
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?)\b\.?"
    r"|(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр|січ|лют|берез|квіт|трав|черв"
    r"|лип|серп|верес|жовт|листопад|груд)\w*"
)
"""Month names (English words, Russian and Ukrainian stems)."""
DAY_AFTER_RE = re.compile(
    rf"\s*(?:{_MONTHS})|\s*(?:a\.?m\.?|p\.?m\.?)(?!\w)|(?:st|nd|rd|th)\b"
    r"|\s*(?:GMT|UTC|MSK|CET|CEST|EET|EEST|BST|EST|EDT|PST|PDT|Zulu)\b|\s+(?:Kyiv|Moscow|local)\s+time\b",
    re.IGNORECASE,
)
"""After a number, what makes it a day or an hour (`5 November`, `3 p.m.`, `5th`, `0600 GMT`), not a figure."""
MONTH_BEFORE_RE = re.compile(rf"(?<!\w)(?:{_MONTHS})\s*$", re.IGNORECASE)
"""Before a number, a month: `December 5` is a day."""
SPAN_BEFORE_RE = re.compile(
    r"(?:(?:from|until|till|before|after|by(?:\s+(?:early|mid|late|the\s+end\s+of))?)\s+(?:\w+\.?\s+(?:\d{1,2},?\s+)?)?"
    r"|since\s+(?:[\w.-]+,?\s+){0,10})$",
    re.IGNORECASE,
)
"""Before a year, words that make it no `as of` date (`since August 2023`, `since Aug. 6, 2024`, `by early 2025`)."""
OF_NUMBER_RE = re.compile(r"\s+of\s+(?:the\s+)?", re.IGNORECASE)
"""`3,000 of the 11,000 troops`: the first number counts part of the second's."""
SCALES = MappingProxyType(
    {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
)
YEAR_RE = re.compile(r"(?<![\w.,$€£₽-])(1[89]\d\d|20\d\d)(?![\w%]|[.,]\d)")
LABEL_WORD_RE = re.compile(rf"\s*([^\W\d_][\w{_APOS}-]*)")
PARTICIPLES_RE = re.compile(
    r"\s+(?:were|was|are|is|have\s+been|has\s+been|had\s+been|been)\s+(\w+ed(?:\s+(?:or|and)\s+\w+ed)?)\b"
)
LABEL_STOP = frozenset((
    "to", "in", "of", "at", "on", "for", "from", "with", "by", "and", "or", "but", "were", "was", "are", "is",
    "have", "has", "had", "will", "would", "who", "which", "that", "the", "a", "an", "into", "as", "than", "since",
    "during", "per", "each", "across", "including", "while", "after", "before", "this", "these", "those", "its",
    "their", "it", "could", "can", "may", "might", "should", "must", "not", "shall",
))  # fmt: skip
LABEL_VERBS = frozenset((
    "met", "went", "came", "died", "fled", "fought", "left", "arrive", "arrives", "remain", "remains", "serve",
    "serves", "fight", "fights", "face", "faces", "work", "works", "live", "lives", "join", "joined", "make",
    "flew", "fell", "struck", "took", "lost", "won", "ran", "held", "gave", "saw", "began", "hit",
))  # fmt: skip
"""Verbs that end a label ("3,000 troops arrived" counts troops); words ending in -ed end it too."""
LABEL_WORDS = 4
PERCENT_OF_RE = re.compile(r"\s+of(?:\s+(?:the|a|an|its|their))?(?=\s)", re.IGNORECASE)

OUTLETS = (
    "Agence France-Presse", "Al Jazeera", "Associated Press", "BBC", "Bloomberg", "Business Insider", "CNN",
    "Daily NK", "Der Spiegel", "Financial Times", "Institute for the Study of War", "Interfax", "KCNA",
    "Korean Central News Agency", "Kyiv Independent", "Le Monde", "Meduza", "NK News", "New York Times", "Newsweek",
    "Politico", "RIA Novosti", "Reuters", "TASS", "The Economist", "The Guardian", "Wall Street Journal",
    "Washington Post", "Yonhap",
)  # fmt: skip
"""News outlets and research bodies named as sources (matched as whole words, case as written)."""
OUTLET_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(re.escape(name) for name in sorted(OUTLETS, key=len, reverse=True)) + r")(?![\w-])"
)
"""An outlet's name as a whole (`Interfax-Ukraine` is another agency than Interfax)."""
DATELINE_RE = re.compile(
    rf"^(?:[^()]{{0,60}}\({AGENCIES}\)|[A-Z][A-Z .,'\u2019-]{{2,60}}(?:\s*\([^()]{{1,40}}\))?)"
    r"\s*(?:-{1,2}|[\u2013\u2014])\s+"
)
"""A wire dateline opening a sentence (`KYIV, Nov 26 (Reuters) - `): the agency that sent the story, not the
source of what the sentence states."""
UNVERIFIED_RE = re.compile(
    r"(?:\s+[A-Z]\w+)?\s+(?:could|can|did|was|were|has|have|had|is|are)\s*(?:not|n[o'\u2019]t)\s+"
    r"(?:been\s+)?(?:be\s+)?(?:able\s+to\s+)?(?:immediately\s+)?(?:independently\s+)?(?:verify|confirm)"
    r"|\s+(?:was|were|is|has\s+been)\s+unable\s+to\s",
    re.IGNORECASE,
)
VERIFIED_BY_RE = re.compile(r"(?:verified|confirmed)\s+by\s+(?:the\s+)?$", re.IGNORECASE)
"""Before an outlet's name: `could not be verified by Reuters` (no source either)."""
"""After an outlet's name, words that make it no source (`a figure Reuters could not independently verify`)."""
DEMONYM_RE = re.compile(r"(?:an|ese|ish|ch|i)$")
"""A name ending like a people's adjective (`South Korean`), which the noun after it completes."""
NOUN_AFTER_RE = re.compile(r"\s+([a-z][a-z-]+)(?:\s+([a-z][a-z-]+))?")
_SAYS = (
    r"(?:said|says|reported|reports|wrote|writes|told|stated|states|claimed|claims|estimated|estimates|noted|notes"
    r"|found|finds|offers|published|confirmed|confirms|announced|announces)"
)
SOURCE_RES = (
    re.compile(rf"\b[Aa]ccording\s+to\s+(?:the\s+)?(?P<name>{_NAME})"),
    re.compile(
        rf"(?:^|[\s(\"\u201c])(?P<name>(?:(?:North|South|East|West|Central)\s+)?{_NAME_WORD}(?:an|ese|ish|ch|i)\s+[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)\s+{_SAYS}\b"
    ),
    re.compile(
        rf"(?:^|[\s(\"\u201c])(?P<name>{_NAME}[{_APOS}]s\s+[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)\s+{_SAYS}\b"
    ),  # (Ukraine's military intelligence said)
    re.compile(rf"\b(?:reported|published|cited|quoted)\s+by\s+(?:the\s+)?(?P<name>{_NAME})"),
    re.compile(rf",\s+(?P<name>{_NAME}),\s+{_SAYS}\b"),  # (The regional governor, Alexander Khinshtein, said)
    re.compile(
        r"\b[Tt]he\s+(?P<name>(?:state\s+)?(?:finance|defen[cs]e|foreign|interior|economy|economic|health|emergenc(?:y|ies)"
        r"|justice|energy|agriculture|statistics|border|security|intelligence|tax|customs|migration|education|transport"
        r"|trade|industry|central|general|prosecutor[\u2019']?s)\s+(?:ministry|agency|service|office|committee|bank"
        rf"|department|staff|guard))\s+{_SAYS}\b"
    ),  # (the finance ministry said; not the local authorities, the news agency)
    re.compile(rf"(?:^|[\s(\"\u201c])(?:The\s+)?(?P<name>{_NAME})\s+{_SAYS}\b"),
)
NOT_NAMES = frozenset((
    "It", "This", "That", "These", "Those", "They", "He", "She", "We", "I", "You", "There", "Here", "Officials",
    "Experts", "Analysts", "Sources", "Reports", "Estimates", "Critics", "Observers", "Some", "Many", "Others",
    "Witnesses", "Residents", "Diplomats", "Insiders", "Media", "One", "Both", "Each", "Most", "Few",
    "A", "An", "The", "In", "On", "At", "By", "For", "But", "And", "As", "If", "When", "While", "After", "Before",
    "Since", "Still", "Yet", "Also", "Meanwhile", "However", "Now", "Then", "So", "Who", "What", "No", "Not", "All",
    "Any", "Every", "Several", "Other", "Another", "Such", "Our", "Their", "His", "Her", "Its", "My", "Your",
))  # fmt: skip
NOT_NAMES_ALONE = frozenset((
    "Article", "Articles", "Section", "Paragraph", "Clause", "Chapter", "Page", "Part", "Annex", "Table", "Figure",
    "Resolution", "Western", "Eastern", "Northern", "Southern", "Official", "Unofficial", "Early",
    "Initial", "Preliminary", "Recent", "Latest", "Earlier", "Previous", "Later", "Russian", "Ukrainian",
))  # fmt: skip
"""Words that name no source when they are the whole name (`Western estimates put`, `Article 14 says`), though
they may start one (`The Southern Defense Forces said`, `The Independent reported`: a known outlet)."""
CLAIM_RE = re.compile(
    r"\b(?:according\s+to\s+(?:some\s+|unnamed\s+|unconfirmed\s+|several\s+|various\s+|media\s+|local\s+|other\s+)?"
    r"(?:reports|sources|estimates|accounts|officials|experts|analysts|observers)"
    r"|estimates?\s+(?:suggest|show|indicate|put|say)s?"
    r"|(?:some|unconfirmed|unverified|several|various|media|local|early|initial|other)\s+(?:reports|estimates|accounts)"
    r"|reports\s+(?:of|suggest|say|said|indicate|claim)"
    r"|it\s+(?:is|was|has\s+been)\s+(?:believed|thought|estimated|reported|understood|said|claimed|alleged|rumou?red)"
    r"|(?:is|are|was|were)\s+(?:said|believed|thought|reported|rumou?red|alleged)\s+to"
    r"|reportedly|allegedly|rumou?rs?\s+(?:of|that|say|suggest)"
    r"|(?:officials|experts|analysts|sources|observers|diplomats|insiders|critics)\s+(?:say|said|believe|claim|suggest|warn|fear)"
    r"|(?:some|many)\s+(?:say|believe|claim|suggest))\b",
    re.IGNORECASE,
)
"""Words that make a claim without naming who makes it."""
ABBREVIATIONS = frozenset((
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "sgt", "capt", "maj", "st", "no", "vs", "etc", "e.g", "i.e",
    "u.s", "u.k", "u.n", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "sen", "rep", "gov", "adm", "brig", "cmdr", "cpl", "pvt", "prof", "rev", "hon", "pres", "amb", "est", "approx",
    "dept", "corp", "inc", "ltd", "co", "jr", "sr", "fig", "vol", "a.m", "p.m", "u.s.s.r", "e.u",
))  # fmt: skip
SENTENCE_END_RE = re.compile(r"[.!?…][\"')\]\u201d\u2019]*\s+(?=[\"'(\u201c\u2018]?[A-Z0-9])")


@dataclass(frozen=True, slots=True, repr=False)
class Sentence(Value):
    text: str
    line: int


@dataclass(frozen=True, slots=True, repr=False)
class NamedSource(Value):
    """A source the text names, at its first mention."""

    name: str
    sentence: str
    line: int


@dataclass(frozen=True, slots=True, repr=False)
class Claim(Value):
    """A sentence that makes a claim without naming its source, for the editor to check."""

    phrase: str
    """The words that make it, as written, e.g. `Estimates suggest`."""
    sentence: str
    line: int


def split_sentences(text: str) -> tuple[str, ...]:
    """Cut text at sentence ends (not after abbreviations such as `U.S.` or `Mr.`)."""
    out: list[str] = []
    start = 0
    for match in SENTENCE_END_RE.finditer(text):
        before = max(start, match.start() + 1 - LOOK_BACK)  # (the last word alone: the sentence so far may be long)
        words = text[before : match.start() + 1].split()
        last = words[-1].rstrip(".").strip("\"'(\u201c\u2018").casefold() if words else ""
        if text[match.start()] == "." and (last in ABBREVIATIONS or len(last) == 1):
            continue
        out.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return tuple(out)


def text_sentences(blocks: Iterable[Block]) -> Iterator[Sentence]:
    """The sentences of every text block, with the block's line."""
    for block in blocks:
        if block.kind in TEXT_KINDS and not EDITORS_NOTE_RE.match(block.text):  # (a note states no figure)
            for sentence in split_sentences(block.text):
                yield Sentence(sentence, block.line)


def find_figures(blocks: Iterable[Block], *, section: str = "") -> tuple[KeyFigure, ...]:
    """Numbers stated with what they count ("6,000 people"), money and percentages; years are not figures."""
    figures: list[KeyFigure] = []
    for sentence in text_sentences(blocks):
        text = sentence.text
        found = [
            (m.start(), m.group(1)) for m in YEAR_RE.finditer(text) if not _before(SPAN_BEFORE_RE, text, m.start())
        ]
        clauses = _clause_sources(text, _mentions(text))
        notes = [(m.start(), m.end()) for m in EXCHANGE_RE.finditer(text)]
        matches = [
            m
            for m in FIGURE_RE.finditer(text)
            if not _is_year(m) and not _is_day_or_hour(text, m) and not any(a <= m.start() < b for a, b in notes)
        ]
        years = Years(text, found, [m.start() for m in matches])
        ranged: set[int] = set()  # the tops of `between 5,000 and 7,000` ranges (counted with their bottom)
        for index, match in enumerate(matches):
            if index in ranged:
                continue
            following = matches[index + 1] if index + 1 < len(matches) else None
            if following is not None and (start := _between(text, match, following)) >= 0:
                ranged.add(index + 1)
                label = _label(text, following)
                figures.extend(_figure(text, start, match, following, label, section, clauses, years, sentence.line))
                continue
            if following is not None and _ratio(text, match, following):
                ranged.add(index + 1)  # `1 in 5 shells`: one figure, a share
                label = _label(text, following)
                figures.extend(
                    _figure(
                        text, match.start(), match, following, label, section, clauses, years, sentence.line, ratio=True
                    )
                )
                continue
            whole = OF_NUMBER_RE.fullmatch(text, match.end(), following.start()) if following else None
            if whole is not None and following is not None:  # `3,000 of the 11,000 troops killed`: 3,000 killed
                label = f"{' '.join(whole.group(0).split())} {' '.join(following.group(0).split())}"
                label += f" {_label(text, following)}".rstrip()
            else:
                part = index and OF_NUMBER_RE.fullmatch(text, matches[index - 1].end(), match.start())
                label = _label(text, match, participles=not part)
            figures.extend(_figure(text, match.start(), match, match, label, section, clauses, years, sentence.line))
    return tuple(figures)


BETWEEN_RE = re.compile(r"(?:^|(?<=\W))between\s+$", re.IGNORECASE)
AND_RE = re.compile(r"\s+(?:and|to)\s+")
TO_RE = re.compile(r"\s+to\s+")
FROM_RE = re.compile(r"(?:^|(?<=\W))(?:from|by)\s+(?:\S+\s+)?$", re.IGNORECASE)
"""Before `10 to 12`, words that make it a change (`rose from 10 to 12`), not a range."""
RATIO_RE = re.compile(r"\s+(?:in|out\s+of)\s+")
STREET_RE = re.compile(
    r"(?:^|\s)(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Square|Prospekt|Prospect|Highway|Embankment)$"
)
"""The end of a label that makes the number a house number (`3 Sovetskaya Street`)."""
EXCHANGE_RE = re.compile(r"\(\s*(?:[$€£₽]\s?|(?:US|EUR|GBP|RUB|UAH)\s?)?1\s*=\s*[^()]{1,40}\)", re.IGNORECASE)
"""A wire's exchange-rate note, `($1 = 93.1000 roubles)`: no figure of the story."""


TIME_AFTER_RE = re.compile(r"\s*(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\b", re.IGNORECASE)


def _ratio(text: str, match: re.Match[str], following: re.Match[str]) -> bool:
    """`1 in 5 shells`: a share (not `3 in 24 hours`, a time)."""
    if not RATIO_RE.fullmatch(text, match.end(), following.start()) or TIME_AFTER_RE.match(text, following.end()):
        return False
    part, whole = _amount(match), _amount(following)
    plain = not any(m.group(g) for m in (match, following) for g in ("cur", "pct", "scale", "upper"))
    return plain and part is not None and whole is not None and 1 <= part <= 10 and whole > part


def _between(text: str, match: re.Match[str], following: re.Match[str]) -> int:
    """Where a range of two numbers starts: `between 5,000 and 7,000`, or `10,000 to 12,000` (with what qualifies
    it, but not `from 10 to 12`, a change); -1 for two figures."""
    if TO_RE.fullmatch(text, match.end(), following.start()):  # (`5 to 7 percent`: the unit once, at the top)
        lower, upper = _plain_number(match), _plain_number(following)
        if lower is None or upper is None or upper <= lower or _before(FROM_RE, text, match.start()):
            return -1
        if any(match.group(group) and not following.group(group) for group in ("scale", "pct")):
            return -1
        return match.start()
    if match.group("qual") or not AND_RE.fullmatch(text, match.end(), following.start()):
        return -1
    window = max(0, match.start() - LOOK_BACK)
    found = BETWEEN_RE.search(text[window : match.start()])
    return window + found.start() if found else -1


def _figure(
    text: str,
    start: int,
    first: re.Match[str],
    last: re.Match[str],
    label: str,
    section: str,
    clauses: tuple[list[int], list[str]],
    years: Years,
    line: int = 0,
    *,
    ratio: bool = False,
) -> list[KeyFigure]:
    """The figure written from `start` to the end of `last` (`first` itself, or the top of a range that `first`
    starts, or the whole of a `ratio`), if it says what it counts (or is money or a share)."""
    if not label and not (last.group("cur") or last.group("pct")):
        return []
    if STREET_RE.search(label) or TIME_AFTER_RE.fullmatch(label):  # (a house number; `for 24 hours`: a time)
        return []
    value = " ".join(text[start : last.end()].split())
    amount = _amount(first)
    if ratio:
        whole = _amount(last)
        amount = amount / whole if amount is not None and whole else None
    return [
        KeyFigure(
            value=value,
            amount=amount,
            label=label,
            section=section,
            source=_source_of(first.start(), clauses),
            as_of=years.of(start, last.end()),
            sentence=text,
            line=line,
        )
    ]


class Years:
    """The years a sentence names (not after since, by...), and where its figures start: which year a figure is
    as of. Each answer takes logarithmic time in the sentence's numbers (a sentence may hold thousands)."""

    def __init__(self, text: str, years: list[tuple[int, str]], figures: list[int]) -> None:
        self._text = text
        self._at = [at for at, _year in years]
        self._years = [year for _at, year in years]
        self._figures = figures  # (in order: the matches' starts)
        self._commas = [m.start() for m in re.finditer(",", text)] if years else []

    def of(self, start: int, end: int) -> str:
        """The year of the figure written from `start` to `end`: one just after it (`6.3% in 2025`, `3,000 more
        in early 2025`); else the nearest before it with no other figure between, not one in an aside (`In 2024,
        3,000 troops`; `Russia's 2025 budget, adopted in 2024, sets 13.5 trillion`: 2025); else the nearest after
        it with no other figure between (not the 13.5 of `13.5 trillion from 10.8 trillion in 2024`); else the
        nearest before it; "" for none."""
        first_after = bisect_left(self._at, end)
        after = first_after if first_after < len(self._at) else None
        if after is not None and JUST_AFTER_RE.fullmatch(self._text, end, self._at[after]):
            return self._years[after]
        before = bisect_left(self._at, start)  # the years before the figure: [0, before)
        previous = bisect_left(self._figures, start) - 1  # the figure before this one
        floor = self._figures[previous] if previous >= 0 else -1
        clear = range(bisect_right(self._at, floor), before)  # years with no other figure between them and it
        for index in reversed(clear):
            if not self._aside(self._at[index], start):
                return self._years[index]
        if clear:
            return self._years[clear[-1]]
        if after is not None and bisect_left(self._figures, self._at[after]) == bisect_right(self._figures, end):
            return self._years[after]
        return self._years[before - 1] if before else ""

    def _aside(self, at: int, figure: int) -> bool:
        """Whether the year at `at` stands between two commas that both come before the figure."""
        index = bisect_left(self._commas, at)
        return index > 0 and index < len(self._commas) and self._commas[index] < figure


JUST_AFTER_RE = re.compile(
    r"(?:\s+(?!(?:and|or|but|while|whereas|then)\b)[^\W\d][\w/-]*){0,4}\s+(?:in|for|by|at|during)\s+"
    r"(?:(?:early|mid|late|the\s+whole\s+of)[\s-]+)?",
    re.IGNORECASE,
)
"""Between a figure and a year that is its own: a few words of its label, then `in`, `for`... (no comma, no
`and`: `3,000 and in 2025 4,000` gives 2025 to the 4,000 alone)."""


def sources_in(text: str) -> tuple[str, ...]:
    """Names of the sources one sentence names, in order of appearance, without repeats (an agency named in the
    dateline sent the story: it is not a source of what the sentence states)."""
    return tuple(name for _start, name in _sources_at(text))


CLAUSE_END_RE = re.compile(r";|,\s+(?:while|whereas|but|although|though)\s", re.IGNORECASE)
"""Where a sentence's clauses part: a figure's source is one its own clause names."""


def _clause_sources(text: str, named: list[tuple[int, str]]) -> tuple[list[int], list[str]]:
    """Where each clause of a sentence starts, and the source each names first ("" for none); `named`: the
    sentence's mentions of sources, in order."""
    starts = [0, *(m.end() for m in CLAUSE_END_RE.finditer(text))]
    sources = [""] * len(starts)
    for at, name in named:
        clause = bisect_right(starts, at) - 1
        sources[clause] = sources[clause] or name
    return starts, sources


def _source_of(at: int, clauses: tuple[list[int], list[str]]) -> str:
    """The source of a figure at `at`: the first its clause names (see _clause_sources)."""
    starts, sources = clauses
    return sources[bisect_right(starts, at) - 1]


def _sources_at(text: str) -> list[tuple[int, str]]:
    """The sources one sentence names, with where each is first named (see sources_in)."""
    names: list[tuple[int, str]] = []
    for start, name in _mentions(text):
        if len(names) == MAX_SOURCES:
            break
        if not any(name in other or other in name for _at, other in names):
            names.append((start, name))
    return names


def _mentions(text: str) -> list[tuple[int, str]]:
    """Every mention of a source in one sentence, in order: where, and the name."""
    dateline = DATELINE_RE.match(text)
    start = len(dateline.group(0).rstrip()) if dateline else 0  # (the space after it may start a name's match)
    found: list[tuple[int, str]] = [
        (m.start(), m.group(0))
        for m in OUTLET_RE.finditer(text, start)
        if not UNVERIFIED_RE.match(text, m.end()) and not _before(VERIFIED_BY_RE, text, m.start())
    ]
    for pattern in SOURCE_RES:
        for match in pattern.finditer(text, start):
            name = match.group("name").rstrip(".")
            if name.split()[0] in NOT_NAMES or name.endswith(tuple(_APOS)):
                continue
            if DEMONYM_RE.search(name) and (noun := NOUN_AFTER_RE.match(text, match.end("name"))):
                words = []
                for word in noun.groups():  # the words after it up to a joining word or the verb
                    if not word or word in LABEL_STOP or re.fullmatch(_SAYS, word):
                        break
                    words.append(word)
                name = " ".join([name, *words])
            if name not in NOT_NAMES_ALONE:
                found.append((match.start("name"), name))
    return sorted(found)


MAX_SOURCES = 50
"""Sources one sentence may name (more is no sentence a reader wrote: reading them would take quadratic time)."""


def find_sources(blocks: Iterable[Block]) -> tuple[NamedSource, ...]:
    """Every source the text names, at its first mention."""
    seen: dict[str, NamedSource] = {}
    for sentence in text_sentences(blocks):
        for name in sources_in(sentence.text):
            seen.setdefault(name.casefold(), NamedSource(name, sentence.text, sentence.line))
    return tuple(seen.values())


def find_claims(blocks: Iterable[Block]) -> tuple[Claim, ...]:
    """Sentences with words like "estimates suggest" or "according to some reports" and no source named."""
    claims: list[Claim] = []
    for sentence in text_sentences(blocks):
        match = CLAIM_RE.search(sentence.text)
        if match and not sources_in(sentence.text):
            claims.append(Claim(match.group(0), sentence.text, sentence.line))
    return tuple(claims)


def _is_year(match: re.Match[str]) -> bool:
    number = match.group("num")
    plain = not (match.group("qual") or match.group("cur") or match.group("scale") or match.group("pct"))
    return plain and len(number) == 4 and number.isdigit() and 1800 <= int(number) <= 2100


def _is_day_or_hour(text: str, match: re.Match[str]) -> bool:
    """`5 November`, `December 5`, `3 p.m.`: a day or an hour, not a figure."""
    if match.group("cur") or match.group("pct") or match.group("scale"):
        return False
    return bool(DAY_AFTER_RE.match(text, match.end()) or _before(MONTH_BEFORE_RE, text, match.start()))


LOOK_BACK = 80
"""Characters before a number that _before looks at: the words that make it a day or a span are near it (and a
sentence of thousands of numbers is then read in linear time, not quadratic)."""


def _before(pattern: re.Pattern[str], text: str, at: int) -> bool:
    """Whether `pattern` (anchored at its end with `$`) matches the text just before `at`."""
    start = max(0, at - LOOK_BACK)
    return pattern.search(text[start:at]) is not None


def _plain_number(match: re.Match[str]) -> float | None:
    """The number as written, without its scale."""
    try:
        return float(re.sub(r"[,\s\u00a0\u202f]", "", match.group("num")))
    except ValueError:
        return None


def _amount(match: re.Match[str]) -> float | None:
    amount = _plain_number(match)
    if amount is None:
        return None
    scale = (match.group("scale") or "").strip().lstrip("-").strip().lower()
    return amount * SCALES.get(scale, 1.0)


def _ends_label(word: str, *, first: bool) -> bool:
    folded = word.casefold()
    return folded in LABEL_STOP or (not first and (folded.endswith("ed") or folded in LABEL_VERBS))


def _label(text: str, match: re.Match[str], *, participles: bool = True) -> str:
    """What the number counts: the words after it up to a joining word or punctuation, plus "killed or wounded"
    (unless `participles` is false: in `3,000 of the 11,000 troops killed`, the 3,000 were killed)."""
    words: list[str] = []
    at = match.end()
    if match.group("scale") and text.startswith("-", at):  # `a 50-billion-euro package` (not `a 14-year-old`)
        at += 1
    if match.group("pct") and (of := PERCENT_OF_RE.match(text, at)):
        words.append(" ".join(of.group(0).split()))
        at = of.end()
    while len(words) < LABEL_WORDS:
        word = LABEL_WORD_RE.match(text, at)
        if not word or _ends_label(word.group(1), first=not words):
            break
        words.append(word.group(1))
        at = word.end()
    if participles and (done := PARTICIPLES_RE.match(text, at)):
        words.append(done.group(1))
    return " ".join(words)
