"""Related articles: the bit-sliced count agrees with comparing every pair."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kursk_site.assemble import related_by_groups


def pairwise(slugs: tuple[str, ...], groups: list[list[str]], count: int) -> dict[str, tuple[str, ...]]:
    """The definition: every other article scored by the groups it shares, best first, then newest."""
    keys = {slug: {n for n, group in enumerate(groups) if slug in group} for slug in slugs}
    out = {}
    for n, slug in enumerate(slugs):
        scored = [(len(keys[slug] & keys[o]), m, o) for m, o in enumerate(slugs) if m != n]
        best = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
        out[slug] = tuple(o for _, _, o in best[:count])
    return out


def test_most_shared_first_then_newest() -> None:
    slugs = ("a", "b", "c", "d", "e")
    groups = [["a", "b", "c"], ["a", "c", "e"], ["d"], ["e", "a"]]
    related = related_by_groups(slugs, groups, 3)
    assert related["a"] == ("c", "e", "b")
    assert related["d"] == ()
    assert related["b"] == ("a", "c")


def test_a_slug_listed_twice_in_a_group_counts_once() -> None:
    related = related_by_groups(("a", "b", "c"), [["a", "b", "b"], ["a", "c"], ["c", "a"]], 2)
    assert related["a"] == ("c", "b")


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=40).flatmap(
        lambda n: st.tuples(
            st.just(tuple(f"s{i}" for i in range(n))),
            st.lists(st.lists(st.integers(min_value=0, max_value=n - 1), max_size=n), max_size=12),
            st.integers(min_value=1, max_value=5),
        )
    )
)
def test_agrees_with_comparing_every_pair(case: tuple[tuple[str, ...], list[list[int]], int]) -> None:
    slugs, members, count = case
    groups = [[slugs[i] for i in group] for group in members]
    assert related_by_groups(slugs, groups, count) == pairwise(slugs, groups, count)
