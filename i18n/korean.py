"""Korean particles chosen by the word they follow.

A template cannot know whether the value put before a particle ends in a consonant ("나선은",
"원은") or a vowel ("relu는"), so it writes both, as Korean software often does ("을(를)"), and
``attach_particles`` picks one once the text is filled in. The deciding sound is the last
syllable's final consonant (batchim). For Latin words and digits, the word is read as a Korean
course reads it aloud: digits by their Sino-Korean names (0 영, 1 일, 3 삼, 6 육, 7 칠,
8 팔 end in a consonant), and a Latin word ends in a consonant when its last letter is
l, m or n ("linear" 리니어 and "relu" 렐루 end in a vowel, "tanh" 탄에이치 too: h is read
"에이치").
"""
from __future__ import annotations

import re

# (with a final consonant, without) for each pair a template may write, either way round.
PAIRS = {"을": ("을", "를"), "를": ("을", "를"), "은": ("은", "는"), "는": ("은", "는"),
         "이": ("이", "가"), "가": ("이", "가"), "과": ("과", "와"), "와": ("과", "와")}
_PLACEHOLDER = re.compile(r"(을\(를\)|를\(을\)|은\(는\)|는\(은\)|이\(가\)|가\(이\)|과\(와\)|"
                          r"와\(과\)|\(으\)로)")
# Characters after a word that do not change how it is read: markup, quotes, brackets.
_SKIPPED = " `*_'\"”’)]}"
# Digits read with a final consonant: 1 일, 7 칠, 8 팔 (ㄹ); 0 영, 3 삼, 6 육 (others).
_DIGITS_RIEUL, _DIGITS_OTHER = "178", "036"
_RIEUL = 8          # index of ㄹ among Hangul final consonants


def final_consonant(word: str) -> str | None:
    """The final consonant the end of ``word`` is read with: "" for none, "ㄹ" for rieul,
    "other" for any other, None when it cannot be told (no letter or digit)."""
    word = word.rstrip(_SKIPPED)
    if not word:
        return None
    last = word[-1]
    if "\uac00" <= last <= "\ud7a3":
        final = (ord(last) - 0xAC00) % 28
        return "" if final == 0 else "ㄹ" if final == _RIEUL else "other"
    if last.isdigit():
        return "ㄹ" if last in _DIGITS_RIEUL else "other" if last in _DIGITS_OTHER else ""
    if last.isascii() and last.isalpha():
        low = last.lower()
        return "ㄹ" if low == "l" else "other" if low in "mn" else ""
    return None


def attach_particles(text: str) -> str:
    """``text`` with each "을(를)"-style placeholder replaced by the particle its preceding
    word takes; one that cannot be decided stays as written."""
    def pick(match: re.Match) -> str:
        final = final_consonant(text[:match.start()])
        placeholder = match.group(0)
        if final is None:
            return placeholder
        if placeholder == "(으)로":
            return "로" if final in ("", "ㄹ") else "으로"
        with_final, without = PAIRS[placeholder[0]]
        return without if final == "" else with_final
    return _PLACEHOLDER.sub(pick, text)
