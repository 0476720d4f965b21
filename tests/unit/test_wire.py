"""content/wire.py: plain text -> title, Blocks with lines, keyword topics."""

from __future__ import annotations

from kursk_site.config import decode_text
from kursk_site.content.wire import headline_slug, lede, looks_like_heading, parse_wire
from kursk_site.figures import find_figures
from kursk_site.model import BlockKind


def shape(text: str, **kwargs: str) -> list[tuple[int, str, str]]:
    """(line, kind, text) of each block; kind is p, h2 or h3."""
    wire = parse_wire(text, 1, **kwargs)
    kinds = {BlockKind.PARAGRAPH: "p"}
    return [(b.line, kinds.get(b.kind, f"h{b.level}"), b.text) for b in wire.blocks]


def test_the_first_non_empty_line_is_the_title_and_is_not_a_block() -> None:
    wire = parse_wire("\n\nSappers Arrive\nThe first group crossed.\n", 1)
    assert (wire.title, wire.title_line) == ("Sappers Arrive", 3)
    assert shape("\n\nSappers Arrive\nThe first group crossed.\n") == [(4, "p", "The first group crossed.")]


def test_without_blank_lines_every_line_is_a_paragraph() -> None:
    text = "Title\nFirst paragraph here.\nSecond paragraph here.\n"
    assert shape(text) == [(2, "p", "First paragraph here."), (3, "p", "Second paragraph here.")]


def test_with_blank_lines_wrapped_lines_are_joined_into_one_paragraph() -> None:
    text = "Title\n\nEngineers began clearing mines in the\nborder villages this week.\n\nA second paragraph.\n"
    assert shape(text) == [
        (3, "p", "Engineers began clearing mines in the border villages this week."),
        (6, "p", "A second paragraph."),
    ]


def test_a_short_line_without_a_full_stop_followed_by_text_is_a_heading() -> None:
    text = "Title\nThe lede.\nWho Is Being Sent\nThe first group crossed.\n"
    assert shape(text)[1] == (3, "h2", "Who Is Being Sent")


def test_a_question_is_a_heading_and_a_closing_colon_is_dropped() -> None:
    text = "Title\nThe lede.\nWill more troops arrive?\nPerhaps.\nBackground:\nThe first units came in 2024.\n"
    assert [(line, kind, words) for line, kind, words in shape(text) if kind == "h2"] == [
        (3, "h2", "Will more troops arrive?"),
        (5, "h2", "Background"),
    ]


def test_a_heading_candidate_at_the_end_of_the_text_stays_a_paragraph() -> None:
    assert shape("Title\nThe lede.\nMore to follow\n")[-1] == (3, "p", "More to follow")


def test_two_short_lines_in_a_row_the_first_is_not_a_heading() -> None:
    blocks = shape("Title\nThe lede.\nMoscow Talks\nNew Talks Begin\nThe talks began on Monday.\n")
    assert [kind for _line, kind, _text in blocks] == ["p", "p", "h2", "p"]


def test_a_sentence_is_never_a_heading() -> None:
    assert not looks_like_heading("The talks began.")
    assert not looks_like_heading("the talks begin")
    assert not looks_like_heading("One, two, three,")
    assert looks_like_heading("Casualties and Consequences: The Human Cost of Collaboration")


def test_a_wrapped_line_ending_in_a_joining_word_is_not_taken_for_a_heading() -> None:
    text = "Title\n\nEngineering units from Pyongyang began clearing the\nMines in the villages were old.\n\nNext.\n"
    assert shape(text)[0] == (
        3,
        "p",
        "Engineering units from Pyongyang began clearing the Mines in the villages were old.",
    )


def test_keyword_lines_become_level_3_subheadings_and_topics() -> None:
    wire = parse_wire("Title\nThe lede.\nLSI Keyword: Military Technology\nText.\nKeyword: Rail\nMore.\n", 1)
    assert wire.keywords == ("Military Technology", "Rail")
    subheadings = [(b.line, b.level, b.text, b.slug) for b in wire.blocks if b.kind is BlockKind.HEADING]
    assert subheadings == [(3, 3, "Military Technology", "military-technology"), (5, 3, "Rail", "rail")]


def test_an_explicit_section_marker_makes_a_heading_with_that_section() -> None:
    wire = parse_wire("Title\nThe lede.\nAny words at all here, even long ones {section: economics}\nText.\n", 1)
    heading = wire.blocks[1]
    assert (heading.kind, heading.text, heading.section) == (
        BlockKind.HEADING,
        "Any words at all here, even long ones",
        "economics",
    )


def test_text_is_escaped_never_taken_as_html() -> None:
    wire = parse_wire('Title\nA <script>alert("x")</script> & more.\n', 1)
    assert wire.blocks[0].html == "<p>A &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more.</p>\n"
    assert wire.blocks[0].text == 'A <script>alert("x")</script> & more.'


def test_a_bom_and_windows_or_old_mac_line_endings_give_the_same_blocks() -> None:
    unix = parse_wire(decode_text(b"Title\nThe lede.\nNext Steps\nText.\n", "a.txt"), 1)
    for data in (
        b"\xef\xbb\xbfTitle\r\nThe lede.\r\nNext Steps\r\nText.\r\n",
        b"Title\rThe lede.\rNext Steps\rText.\r",
    ):
        assert parse_wire(decode_text(data, "a.txt"), 1) == unix


def test_a_left_quote_typed_for_an_apostrophe_is_mended() -> None:
    wire = parse_wire("Title\nKim Jong Un\u2018s actions and \u2018quoted\u2019 words.\n", 1)
    assert wire.blocks[0].text == "Kim Jong Un\u2019s actions and \u2018quoted\u2019 words."


def test_a_front_matter_title_takes_the_first_line_only_when_it_repeats_it() -> None:
    same = parse_wire("A Quiet Week\nText.\n", 5, title="A quiet week")
    assert (same.title, [b.text for b in same.blocks]) == ("A quiet week", ["Text."])
    other = parse_wire("Little moved this week.\nText.\n", 5, title="A Quiet Week")
    assert [b.text for b in other.blocks] == ["Little moved this week.", "Text."]


def test_lines_count_from_the_body_s_first_line_in_the_file() -> None:
    assert shape("Title\nText.\n")[0][0] == 2
    assert parse_wire("Title\nText.\n", 4).blocks[0].line == 5


def test_headline_slug_uses_the_part_before_a_colon() -> None:
    assert headline_slug("North Korea\u2019s Kursk Deployment: A Deep Dive") == "north-koreas-kursk-deployment"
    assert headline_slug("Update: Kursk") == "update-kursk"
    assert headline_slug("UPDATE 1: North Korean troops withdraw") == "north-korean-troops-withdraw"
    assert headline_slug("EXCLUSIVE-Pyongyang paid in oil") == "pyongyang-paid-in-oil"
    assert headline_slug("Минобороны РФ: войска") == "minoborony-rf-voiska"
    assert len(headline_slug("word " * 40)) <= 60


def test_a_wrapped_dateline_and_a_name_broken_over_two_lines_stay_in_their_paragraphs() -> None:
    text = (
        "Title\n\nKYIV, Nov 26 (Reuters) - Ukrainian President\nVolodymyr Zelenskiy said on Tuesday that North Korean\n"
        "troops had suffered heavy losses in Kursk.\n\nThe head of Ukraine's GUR military intelligence, Kyrylo\n"
        "Budanov, gave a similar figure.\n"
    )
    assert shape(text) == [
        (3, "p", "KYIV, Nov 26 (Reuters) - Ukrainian President Volodymyr Zelenskiy said on Tuesday that North "
                 "Korean troops had suffered heavy losses in Kursk."),
        (7, "p", "The head of Ukraine's GUR military intelligence, Kyrylo Budanov, gave a similar figure."),
    ]  # fmt: skip


def test_a_block_with_long_lines_keeps_a_paragraph_a_line_though_the_file_has_a_blank_line() -> None:
    text = (
        "Title\nSEOUL, Nov 12 (Yonhap) -- North Korea has shipped at least 50 self-propelled howitzers to Russia, "
        "a government source said Tuesday.\nThe shipment includes 20 rocket launchers, the source added.\n"
        "Casualties among crews\nAt least 30 North Korean gunners were killed in a drone strike last week\n"
        "Officials in Seoul declined to comment.\n\n(Reporting by Jane Doe; editing by John Roe)\n"
    )
    assert [(line, kind) for line, kind, _ in shape(text)] == [
        (2, "p"),
        (3, "p"),
        (4, "h2"),
        (5, "p"),
        (6, "p"),
        (8, "p"),
    ]


def test_a_section_marker_line_inside_a_block_is_a_heading() -> None:
    text = "Title\n\nLede paragraph here.\nMoney flows {section: economics}\nPyongyang gets about $1.2bn a year.\n"
    wire = parse_wire(text, 1)
    assert [(b.line, b.kind, b.section) for b in wire.blocks] == [
        (3, BlockKind.PARAGRAPH, ""),
        (4, BlockKind.HEADING, "economics"),
        (5, BlockKind.PARAGRAPH, ""),
    ]


def test_a_byline_is_taken_as_the_author_and_lines_that_are_no_headings_stay_text() -> None:
    text = (
        "Title\nBy Tom Balmforth and Olena Harmash\nKYIV, Nov 21 (Reuters) -\nUkraine said its forces held.\n"
        "Zelenskiy told reporters:\n\u201cWe will not give up\u201d\nFILE PHOTO: Soldiers near Sudzha\n"
        "Q: What did you see?\nA: Smoke.\nLosses on both sides\nThe toll rose.\n"
    )
    wire = parse_wire(text, 1)
    assert wire.byline == "Tom Balmforth and Olena Harmash"
    assert shape(text) == [
        (3, "p", "KYIV, Nov 21 (Reuters) - Ukraine said its forces held."),
        (5, "p", "Zelenskiy told reporters:"),
        (6, "p", "\u201cWe will not give up\u201d"),
        (7, "p", "FILE PHOTO: Soldiers near Sudzha"),
        (8, "p", "Q: What did you see?"),
        (9, "p", "A: Smoke."),
        (10, "h2", "Losses on both sides"),
        (11, "p", "The toll rose."),
    ]


def test_bulleted_and_numbered_lines_make_lists() -> None:
    text = "Title\n\nKey points from the briefing.\n\u2022 About 11,000 troops\n\u2022 At least 100 killed\n"
    text += "\n2) Pay\n3) Oil\n"
    blocks = parse_wire(text, 1).blocks
    assert [(b.line, b.kind) for b in blocks] == [(3, BlockKind.PARAGRAPH), (4, BlockKind.LIST), (7, BlockKind.LIST)]
    assert blocks[1].html == "<ul>\n<li>About 11,000 troops</li>\n<li>At least 100 killed</li>\n</ul>\n"
    assert blocks[2].html == '<ol start="2">\n<li>Pay</li>\n<li>Oil</li>\n</ol>\n'
    assert blocks[1].text == "About 11,000 troops At least 100 killed"


def test_headings_in_scripts_without_capitals_are_found() -> None:
    assert looks_like_heading("\ubd81\ud55c\uad70 \ud53c\ud574 \ud604\ud669")
    assert looks_like_heading("\u0627\u0644\u062e\u0633\u0627\u0626\u0631 \u0627\u0644\u0628\u0634\u0631\u064a\u0629")


def test_a_headline_with_other_quote_marks_is_still_the_front_matter_title() -> None:
    wire = parse_wire(
        "Kim\u2019s troops arrive in Kursk\nThe first group crossed.\n", 1, title="Kim's troops arrive in Kursk"
    )
    assert wire.title_line == 1
    assert [b.text for b in wire.blocks] == ["The first group crossed."]


def test_a_heading_in_a_script_without_capitals_heads_its_block() -> None:
    heading = "\uc804\ub9dd\uacfc \ud5a5\ud6c4 \uacfc\uc81c"
    text_line = "\ubd81\ud55c\uad70\uc740 \uacc4\uc18d \uc2f8\uc6b8."
    text = f"Title\n\nLede here.\n\n{heading}\n{text_line}\n"
    assert [kind for _line, kind, _text in shape(text)] == ["p", "h2", "p"]


def test_a_byline_over_two_lines_is_the_author_and_capitals_are_written_as_names() -> None:
    body = "Headline\n\nBy HANNA ARHIROVA and ILLIA NOVIKOV\nAssociated Press\n\nKYIV (AP) - Troops moved.\n\nMore.\n"
    wire = parse_wire(body, 1)
    assert wire.byline == "Hanna Arhirova and Illia Novikov"
    assert [b.text for b in wire.blocks] == ["KYIV (AP) - Troops moved.", "More."]
    wire = parse_wire("Headline\nBy Jane Doe\nReuters\nKYIV (Reuters) - Troops moved.\nMore.\n", 1)
    assert wire.byline == "Jane Doe"
    assert [b.text for b in wire.blocks] == ["KYIV (Reuters) - Troops moved.", "More."]


def test_an_editors_note_is_no_lede_and_states_no_figure() -> None:
    body = "Headline\n\n(Corrects figure in paragraph 3 to 13.5 trillion roubles from 13.2 trillion)\n\n"
    body += "MOSCOW, March 12 (Reuters) - Spending will reach 13.5 trillion roubles.\n\nMore.\n"
    blocks = parse_wire(body, 1).blocks
    assert lede(blocks) == "Spending will reach 13.5 trillion roubles."
    assert [f.value for f in find_figures(blocks)] == ["13.5 trillion"]


def test_a_dateline_in_agency_style_with_the_place_in_lower_case_is_left_out_of_the_lede() -> None:
    blocks = parse_wire("Headline\n\nKyiv (AFP) - Russia struck the city.\n\nMore.\n", 1).blocks
    assert lede(blocks) == "Russia struck the city."


def test_a_heading_after_a_byline_is_kept_and_a_note_glued_to_the_lede_is_cut_off() -> None:
    wire = parse_wire("Headline\n\nBy Jane Doe\nNorth Korean Deployment\n\nText here.\n\nMore.\n", 1)
    assert wire.byline == "Jane Doe"
    assert (wire.blocks[0].kind, wire.blocks[0].text) == (BlockKind.HEADING, "North Korean Deployment")
    body = (
        "Headline\n\n(Adds Kremlin comment in paragraph 4)\nKYIV, Aug 12 (Reuters) - Russia's defence ministry said\n"
        "on Tuesday 1,000 Ukrainian troops died.\n\n(Reporting by Tom Balmforth)\n"
    )
    blocks = parse_wire(body, 1).blocks
    assert lede(blocks) == "Russia's defence ministry said on Tuesday 1,000 Ukrainian troops died."
    assert [(f.value, f.source) for f in find_figures(blocks)] == [("1,000", "Russia's defence ministry")]
