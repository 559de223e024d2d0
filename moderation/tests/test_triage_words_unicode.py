"""Reading a text's words in one pass gives exactly what the per-word definitions give.

`Text` finds a text's words as runs of letters and digits, normalises them all at once and
takes the score models' tokens from the same runs. The definitions it must match: a word
list's words are WORD's matches, each through `normalise_word`; the models' tokens are
`linear.tokens(text)`.
"""

import random
import re
import sys
import unicodedata

import pytest

from moderation.triage.linear import tokens
from moderation.triage.words import WORD, Text, normalise_word

HARD_CASES = [
    "",
    "plain ascii words, 42 of them",
    "snake_case and __dunder__ and _",
    "İstanbul İSTANBUL iİ",
    "Straße STRASSE ß ẞ",
    "ΟΔΥΣΣΕΥΣ Σ ΣΑΣ. ΑΣ'Α ὈΔΥΣΣΕΎΣ σς",
    "cafe\u0301 café CAFE\u0301",  # decomposed and composed é
    "ﷺ and ﷺﷺ, ㍱ ㍱x",  # NFKC makes several words of one
    "½ ⅓x x½ ²³ ①②",
    "soft\u00adhyphen zero\u200bwidth joi\u200dner word\u2060joiner b\ufeffom",
    "\u00adlead \u200btrail\u200b",
    "👨\u200d👩\u200d👧 family emoji and 😀\u200d\u0301",
    "日本語のテキスト 中文 한국어 ﾊﾝｶｸ",
    "हिन्दी देवनागरी क़",
    "ＦＵＬＬＷＩＤＴＨ ｌｅｔｔｅｒｓ ＡＢＣ１２３",
    "ﬁne ﬂoat ﬀ Ǆemal ǅ ǆ",
    "ﬅ ſtraße Ꭰ ꭰ ᏸ",  # Cherokee: casefold and lower go opposite ways
    "ⓐⓑⓒ Ⓐ Ⅻ ⅻ",
    "a\u0345 Ω Ω K Å",
    "e\u0301\u0301 \u0301start x\u0300y",
    "العربية ا\u0653 русский текст Ёлка",
    "123 ４５６ ١٢٣ ߁",
    "mixed𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐁𝐨𝐥𝐝 ℌ ℍ",
]


def defined_plain_words(text: str) -> list[str]:
    return [normalise_word(word) for word in WORD.findall(text)]


def random_texts(count: int, seed: int) -> list[str]:
    """Strings drawn from all of Unicode, with more of the characters that matter here."""
    rng = random.Random(seed)
    special = "".join(HARD_CASES) + "_ .,'-:/"
    texts = []
    for _ in range(count):
        chars = []
        for _ in range(rng.randint(1, 40)):
            pick = rng.random()
            if pick < 0.25:
                chars.append(rng.choice("abcdefghijklmnopqrstuvwxyzABCXYZ0189"))
            elif pick < 0.4:
                chars.append(rng.choice("  .,'-"))
            elif pick < 0.65:
                chars.append(rng.choice(special))
            elif pick < 0.8:
                chars.append(chr(rng.randint(0x80, 0x2FFF)))  # Latin to CJK symbols
            else:
                chars.append(chr(rng.randint(0, sys.maxunicode)))
        texts.append("".join(chars))
    return texts


def assert_read_as_defined(text: str) -> None:
    read = Text(text)
    expected = defined_plain_words(text)
    assert read.plain_words == expected, text
    assert read.normalised == " ".join(expected), text
    assert [w for w in read.model_words if len(w) > 1] == tokens(text), text


@pytest.mark.parametrize("text", HARD_CASES)
def test_hard_cases_read_as_defined(text):
    assert_read_as_defined(text)


def test_random_unicode_texts_read_as_defined():
    for text in random_texts(6000, seed=11):
        assert_read_as_defined(text)


def test_each_assigned_character_inside_and_between_words_reads_as_defined():
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) not in ("Cn", "Co", "Cs"):  # unassigned, private
            assert_read_as_defined(f"a{char}b {char}Σ{char} x{char}")


def test_the_unicode_facts_the_one_pass_relies_on():
    """What `words.model_words_of` and joining words by spaces take for granted, checked
    for every character: a newer Unicode that breaks one fails here."""
    word_character = re.compile(r"\w")
    # NFKC never takes a space into a composition or reorders across it.
    assert unicodedata.combining(" ") == 0
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        lowered = char.lower()
        if char != " ":
            assert " " not in lowered and " " not in char.casefold(), hex(code)
            decomposition = unicodedata.decomposition(char)
            if not decomposition.startswith("<"):  # canonical: what NFKC recomposes
                assert "0020" not in decomposition.split(), hex(code)
        assert bool(word_character.match(char)) == (char.isalnum() or char == "_"), hex(code)
        if char.isalnum():
            assert len(lowered) > 1 or lowered.isalnum(), hex(code)
        elif char != "_":
            assert not word_character.search(lowered), hex(code)


def test_the_fast_path_is_taken_for_ordinary_unicode_text():
    text = "Ünïcödé words, 日本語 and русский текст 👍"
    read = Text(text)
    # One list serves both: the plain words are the models' words.
    assert read.model_words is read.plain_words
    assert read.plain_words == ["ünïcödé", "words", "日本語", "and", "русский", "текст"]
