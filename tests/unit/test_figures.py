"""figures.py: key figures, named sources and unattributed claims found in text."""

from __future__ import annotations

from kursk_site.figures import find_claims, find_figures, find_sources, sources_in, split_sentences
from kursk_site.model import Block, BlockKind
from tests.support import run_python


def para(text: str, line: int = 1) -> Block:
    return Block(BlockKind.PARAGRAPH, "", text, line)


def figures(text: str) -> list[tuple[str, float | None, str]]:
    return [(f.value, f.amount, f.label) for f in find_figures([para(text)])]


def test_numbers_with_what_they_count_are_key_figures() -> None:
    text = (
        "Kim Jong Un\u2019s latest decision to send another 6,000 people to Kursk, including 1,000 sappers "
        "(combat engineers) and 5,000 construction workers, underscores the ties."
    )
    assert figures(text) == [
        ("6,000", 6000.0, "people"),
        ("1,000", 1000.0, "sappers"),
        ("5,000", 5000.0, "construction workers"),
    ]


def test_a_qualifier_is_kept_in_the_value_and_killed_or_wounded_in_the_label() -> None:
    assert figures("Estimates suggest over 6,000 North Koreans were killed or wounded in the initial fighting.") == [
        ("over 6,000", 6000.0, "North Koreans killed or wounded")
    ]


def test_money_percentages_and_scales_are_figures_even_without_a_label() -> None:
    assert figures("The deal is worth $2.5 billion, or 15% of the budget.") == [
        ("$2.5 billion", 2.5e9, ""),
        ("15%", 15.0, "of the budget"),
    ]


def test_years_and_bare_numbers_are_not_figures() -> None:
    assert figures("The first units came in 2024, and Su-34 jets flew over in 2025.") == []


def test_a_figure_keeps_its_sentence_line_section_source_and_year() -> None:
    block = para("The war goes on. Yonhap reported that 800 engineers arrived in 2024. Nothing else.", 7)
    (figure,) = find_figures([block], section="deployment")
    assert figure.sentence == "Yonhap reported that 800 engineers arrived in 2024."
    assert (figure.line, figure.section, figure.source, figure.as_of) == (7, "deployment", "Yonhap", "2024")


def test_headings_are_not_searched_for_figures() -> None:
    heading = Block(BlockKind.HEADING, "", "Why 6,000 soldiers matter", 3, 2)
    assert find_figures([heading]) == ()


def test_sentences_are_not_cut_after_abbreviations() -> None:
    assert split_sentences("South Korea and the U.S. will respond. Mr. Kim said so. Done!") == (
        "South Korea and the U.S. will respond.",
        "Mr. Kim said so.",
        "Done!",
    )


def test_sources_are_found_by_outlet_name_according_to_and_reporting_verbs() -> None:
    assert sources_in("Business Insider offers more insights into the arrangements.") == ("Business Insider",)
    assert sources_in("According to the Institute for the Study of War, losses rose.") == (
        "Institute for the Study of War",
    )
    assert sources_in("South Korea\u2019s National Intelligence Service said so.") == (
        "South Korea\u2019s National Intelligence Service",
    )
    assert sources_in("Officials said it. They reported more. According to some reports, it rose.") == ()


def test_each_source_is_listed_once_at_its_first_mention() -> None:
    found = find_sources([para("Reuters said so.", 2), para("Reuters said it again.", 5)])
    assert [(s.name, s.line, s.sentence) for s in found] == [("Reuters", 2, "Reuters said so.")]


def test_claims_without_a_named_source_are_listed_with_their_words() -> None:
    block = para(
        "The deployment began in 2024. Estimates suggest over 6,000 were hurt. Reports of memorials spread. "
        "According to some reports, Pyongyang is paid. Reportedly more will come. Officials say it is over.",
        4,
    )
    assert [(c.phrase, c.line) for c in find_claims([block])] == [
        ("Estimates suggest", 4),
        ("Reports of", 4),
        ("According to some reports", 4),
        ("Reportedly", 4),
        ("Officials say", 4),
    ]


def test_a_claim_that_names_its_source_is_not_listed() -> None:
    assert find_claims([para("According to Reuters, estimates suggest 500 were hurt.")]) == ()


def test_days_hours_ranks_and_numbered_items_are_no_figures_and_grouped_thousands_are_one() -> None:
    text = "The December 5 attack at 3 p.m. on the #1 site killed 12 sappers; 35 000 troops came on 5 November."
    assert figures(text) == [("12", 12.0, "sappers"), ("35 000", 35000.0, "troops")]
    assert figures("Embargoed until 18:00 GMT, 3,400 September rows") == []


def test_a_part_of_a_whole_is_counted_with_what_happened_to_it() -> None:
    assert figures("Ukraine said 3,000 of the 11,000 troops were killed or wounded.") == [
        ("3,000", 3000.0, "of the 11,000 troops killed or wounded"),
        ("11,000", 11000.0, "troops"),
    ]


def test_qualifiers_and_ranges_are_kept_whole() -> None:
    text = "No fewer than 7,000 troops were hurt, as much as 40% of the budget went, and some 3,000 \u2013 4,000 left."
    assert [value for value, _amount, _label in figures(text)] == [
        "No fewer than 7,000",
        "as much as 40%",
        "some 3,000 \u2013 4,000",
    ]


def test_a_figure_takes_the_source_its_own_clause_names_and_never_a_sentence_opener_or_a_dateline() -> None:
    text = (
        "KYIV, Nov 26 (Reuters) - An estimated 300 soldiers were killed, while according to South Korean lawmakers "
        "1,500 troops were redeployed."
    )
    found = find_figures([para(text)])
    assert [(f.value, f.source) for f in found] == [("An estimated 300", ""), ("1,500", "South Korean lawmakers")]
    assert sources_in("Interfax-Ukraine reported 200 drones; Ukrainian intelligence estimated 27%.") == (
        "Interfax-Ukraine",
        "Ukrainian intelligence",
    )


def test_a_year_after_since_or_by_is_no_as_of_date() -> None:
    found = find_figures([para("Some 3,000 troops have served since August 2023 and more will by early 2025.")])
    assert [f.as_of for f in found] == [""]
    assert find_figures([para("In 2024, 3,000 troops served.")])[0].as_of == "2024"


def test_a_body_named_by_whose_it_is_is_a_source() -> None:
    assert sources_in("Ukraine\u2019s military intelligence said 3,000 troops died.") == (
        "Ukraine\u2019s military intelligence",
    )
    assert sources_in("The army's losses were 200, officials said.") == ()


def test_a_sentence_of_thousands_of_numbers_and_clauses_is_read_in_linear_time() -> None:
    code = (
        "from kursk_site.figures import find_figures\n"
        "from kursk_site.model import Block, BlockKind\n"
        "text = ', while '.join(f'{i} troops since May, Reuters said' for i in range(3000, 23000)) + '.'\n"
        "text += ' '.join(f'Agency{chr(65 + i % 26)}{i} said' for i in range(20000))\n"
        "found = find_figures([Block(BlockKind.PARAGRAPH, '', text, 1)])\n"
        "print(len(found), found[-1].source)\n"
    )
    assert run_python(code, timeout=60) == "20000 Reuters"  # (a minute: quadratic, it took hours)


def test_a_range_between_two_numbers_is_one_figure() -> None:
    assert figures("Between 200 and 300 sappers died, and between 5% and 7% of the budget went.") == [
        ("Between 200 and 300", 200.0, "sappers"),
        ("between 5% and 7%", 5.0, "of the budget"),
    ]


def test_a_dateline_leaves_the_sentence_its_own_source_and_an_outlet_that_could_not_verify_is_none() -> None:
    text = (
        "KYIV, March 12 (Reuters) - Ukraine's military said on Wednesday that Russian forces had lost about 1,200 "
        "soldiers killed and wounded, a figure Reuters could not independently verify."
    )
    assert [(f.value, f.source) for f in find_figures([para(text)])] == [("about 1,200", "Ukraine's military")]
    assert sources_in(text) == ("Ukraine's military",)


def test_a_range_written_with_to_is_one_figure_but_a_change_from_one_number_to_another_is_not() -> None:
    assert figures("An estimated 10,000 to 12,000 Ukrainian troops held the line.") == [
        ("An estimated 10,000 to 12,000", 10000.0, "Ukrainian troops")
    ]
    assert figures("Losses rose from 10,000 to 12,000 troops.") == [("12,000", 12000.0, "troops")]


def test_a_ratio_is_one_figure_a_share() -> None:
    assert figures("Officials said 1 in 5 shells fired is North Korean.") == [("1 in 5", 0.2, "shells")]


def test_times_house_numbers_and_exchange_rate_notes_are_no_figures() -> None:
    assert figures("At 0600 GMT a drone hit 3 Sovetskaya Street, killing 2 people.") == [("2", 2.0, "people")]
    assert figures("Spending reached 13.5 trillion roubles. ($1 = 93.1000 roubles)") == [
        ("13.5 trillion", 13.5e12, "roubles")
    ]


def test_a_figure_is_as_of_the_year_nearest_it_with_no_other_figure_between() -> None:
    found = find_figures([para("Spending will rise to 13.5 trillion roubles from 10.8 trillion roubles in 2024.")])
    assert [(f.value, f.as_of) for f in found] == [("13.5 trillion", ""), ("10.8 trillion", "2024")]
    found = find_figures([para("Ukraine says Russia lost more than 67,000 servicemen there since August 6, 2024.")])
    assert [f.as_of for f in found] == [""]


def test_legal_references_and_adjectives_alone_are_no_sources_and_a_surname_is_a_source_of_its_own() -> None:
    assert sources_in("The cap is set according to Article 14 of the draft law.") == ()
    assert find_claims([para("Western estimates put Russian losses at 4,000 soldiers.")])
    assert sources_in("The Southern Defense Forces said 30 drones fell.") == ("Southern Defense Forces",)
    assert sources_in("According to Russian officials, 300 died.") == ("Russian officials",)
    # a figure's source is the name its sentence gives: the article's sources list that name too
    named = find_sources([para("Oleksandr Syrskyi said so."), para("Syrskyi said 300 troops died.")])
    assert [source.name for source in named] == ["Oleksandr Syrskyi", "Syrskyi"]
    assert [f.source for f in find_figures([para("Syrskyi said 300 troops died.")])] == ["Syrskyi"]
    named = find_sources(
        [para("Ukraine said 4 million people returned."), para("The National Bank of Ukraine said so.")]
    )
    assert [source.name for source in named] == ["Ukraine", "National Bank of Ukraine"]
    assert sources_in("South Korean intelligence officials said 300 troops died.") == (
        "South Korean intelligence officials",
    )


def test_currency_codes_and_hyphenated_scales_are_money() -> None:
    assert figures("The EU disbursed EUR 12.5 billion; Kyiv asked for a 50-billion-euro package.") == [
        ("EUR 12.5 billion", 12.5e9, ""),
        ("50-billion", 50e9, "euro package"),
    ]


def test_a_person_named_after_a_title_and_a_body_in_lower_case_are_sources() -> None:
    assert sources_in("The regional governor, Alexander Khinshtein, said 1,150 people left.") == (
        "Alexander Khinshtein",
    )
    assert sources_in("The finance ministry said spending reached 13 trillion roubles.") == ("finance ministry",)


def test_hyphenated_ages_and_durations_are_no_figures_and_percent_ranges_keep_their_start() -> None:
    assert figures("A 14-year-old boy and 10-year bonds; drones killed 3 in 24 hours.") == []
    assert figures("Prices rose 5 to 7 percent.") == [("5 to 7 percent", 5.0, "")]


def test_outlets_that_could_not_verify_and_vague_bodies_are_no_sources() -> None:
    for text in (
        "Reuters has not been able to verify the 5,000 troops figure.",
        "BBC Verify could not confirm the 30 casualties.",
        "The 900 casualties could not be verified by Reuters.",
        "The local authorities said 20 people died.",
        "The news agency said 20 people died.",
        "The Institute for the Study of War (ISW) - a think tank - estimated 5,000 troops.",
    ):
        assert sources_in(text) in ((), ("Institute for the Study of War",)), text
    found = find_figures([para("Russia has lost 658,000 troops since the start of the invasion on Feb. 24, 2022.")])
    assert [f.as_of for f in found] == [""]


def test_a_year_just_after_a_figure_is_its_own() -> None:
    found = find_figures([para("Ukraine, which joined the program in 2023, received 20 F-16 jets in 2025.")])
    assert [f.as_of for f in found] == ["2025"]
    found = find_figures([para("Russia's 2025 budget, adopted in 2024, sets 13.5 trillion roubles for defence.")])
    assert [f.as_of for f in found] == ["2025"]
    found = find_figures([para("The 2024 figure was 3,000 troops and in 2025 it was 4,000 troops.")])
    assert [f.as_of for f in found] == ["2024", "2025"]


def test_a_sentence_of_thousands_of_figures_and_years_is_read_in_linear_time() -> None:
    code = (
        "from kursk_site.figures import find_figures\n"
        "from kursk_site.model import Block, BlockKind\n"
        "text = ', '.join(f'in {1900 + i % 200}, {i + 3} troops' for i in range(20000)) + '.'\n"
        "found = find_figures([Block(BlockKind.PARAGRAPH, '', text, 1)])\n"
        "print(len(found), found[0].as_of, found[-1].as_of)\n"
    )
    assert run_python(code, timeout=60) == "19699 1900 2099"  # (3 to 20002 but the years; all years each: minutes)
