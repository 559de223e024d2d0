"""Word and phrase matching: whole words, Unicode-aware, phrases across punctuation."""

import pytest

from moderation.triage.words import WordList, normalised_text, snippet

LIST = WordList(["ass", "cunt", "bi", "jalapeño", "you idiot", "b a d"])


@pytest.mark.parametrize(
    "text",
    ["a classic", "my passion", "we assess", "Scunthorpe United", "biólogos", "bio\u0301logos"],
)
def test_classic_false_positives_do_not_match(text):
    assert LIST.search(text) == []


@pytest.mark.parametrize(
    ("text", "term", "matched"),
    [
        ("Add jalapeño.", "jalapeño", "jalapeño"),
        ("JALAPEÑO!", "jalapeño", "JALAPEÑO"),
        ("jalapen\u0303o", "jalapeño", "jalapen\u0303o"),  # decomposed: NFKC composes it
        ("what an ASS", "ass", "ASS"),
        ("ａｓｓ", "ass", "ａｓｓ"),  # fullwidth letters: NFKC
        ("a\u200bss", "ass", "a\u200bss"),  # a zero-width space inside the word
        ("bi-curious", "bi", "bi"),
        ("you, idiot!", "you idiot", "you, idiot"),
        ("YOU...\nidiot", "you idiot", "YOU...\nidiot"),
        ("b-a-d", "b a d", "b-a-d"),  # letters spelled apart only match a spelled entry
    ],
)
def test_true_matches(text, term, matched):
    (hit,) = LIST.search(text)
    assert hit.term == term
    assert text[hit.start : hit.end] == matched


def test_spelled_apart_letters_do_not_match_the_word():
    assert WordList(["bad"]).search("b-a-d and b.a.d") == []


def test_longest_phrase_wins_and_hits_do_not_overlap():
    words = WordList(["bad", "bad idea", "idea"])
    assert [h.term for h in words.search("a bad idea, bad")] == ["bad idea", "bad"]


def test_a_ten_thousand_word_list_matches_like_a_short_one():
    big = WordList([f"word{n}" for n in range(10_000)] + ["idiot"])
    assert [h.term for h in big.search("word9999 and idiot, not word10000")] == [
        "word9999",
        "idiot",
    ]


def test_snippet_keeps_the_text_around_the_hit_as_plain_strings():
    text = "x" * 50 + " <b>idiot</b> " + "y" * 50
    (hit,) = WordList(["idiot"]).search(text)
    assert snippet(text, hit) == {
        "before": "…" + ("x" * 50 + " <b>")[-40:],
        "match": "idiot",
        "after": ("</b> " + "y" * 50)[:40] + "…",
    }


def test_a_phrase_needs_all_its_words_in_order():
    assert LIST.search("you are right, idiots aside") == []
    assert [h.term for h in LIST.search("and you idiot")] == ["you idiot"]


def test_a_hit_after_other_words_is_found_wherever_it_is():
    text = "one two three ass five"
    (hit,) = LIST.search(text)
    assert (hit.term, text[hit.start : hit.end]) == ("ass", "ass")


def test_a_ligature_entry_matches_the_words_it_stands_for():
    # NFKC turns the one-character ligature into two words.
    (hit,) = WordList(["\ufdfb"]).search("جل جلاله")
    assert hit.term == "جل جلاله"


def test_a_list_of_blank_or_punctuation_lines_is_empty():
    assert not WordList(["", "   ", "!!", "--"])
    assert WordList(["x"])


def test_a_list_from_lines_skips_blank_lines():
    words = WordList.from_lines("idiot\n\n   \nYou Fool\n")
    assert [h.term for h in words.search("you fool, idiot")] == ["you fool", "idiot"]


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("Buy NOW!!! Buy now.", "buy now buy now"),
        ("Ｂｕｙ ＮＯＷ — jalapen\u0303o", "buy now jalapeño"),
        ("...", ""),
    ],
)
def test_repeat_posts_are_compared_by_their_words_alone(text, normalised):
    assert normalised_text(text) == normalised


def test_a_snippet_of_a_short_text_has_no_ellipses():
    text = "He said: idiot."
    (hit,) = WordList(["idiot"]).search(text)
    assert snippet(text, hit) == {"before": "He said: ", "match": "idiot", "after": "."}


def test_a_snippet_at_the_very_start_and_end_of_a_long_text():
    start, end = "idiot " + "x" * 60, "y" * 60 + " idiot"
    (first,) = WordList(["idiot"]).search(start)
    (last,) = WordList(["idiot"]).search(end)
    assert snippet(start, first) == {"before": "", "match": "idiot", "after": " " + "x" * 39 + "…"}
    assert snippet(end, last) == {"before": "…" + "y" * 39 + " ", "match": "idiot", "after": ""}
