"""Removing what identifies people from text before it is shown on the outcome wall.

Phone numbers, ID numbers and employee numbers are replaced by marks; the names of the
people involved, and words jieba tags as personal names, by "某某". The handler reads
and edits the result before publishing: this is help, not a guarantee.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")


def scrub(text: str, *, names: Iterable[str] = (), employee_numbers: Iterable[str] = ()) -> str:
    result = _ID.sub("[身份证号]", text)
    result = _PHONE.sub("[电话]", result)
    result = _LANDLINE.sub("[电话]", result)
    for number in sorted({n for n in employee_numbers if len(n) >= 3}, key=len, reverse=True):
        result = re.sub(
            rf"(?<![0-9A-Za-z]){re.escape(number)}(?![0-9A-Za-z])", "[工号]", result, flags=re.I
        )
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        result = result.replace(name, "某某")
    return _scrub_tagged_names(result)


def _scrub_tagged_names(text: str) -> str:
    import jieba.posseg

    from grassroots.appeals.similarity import _tokenizer

    _tokenizer()  # jieba initialised with our cache folder
    pieces = []
    for word, flag in jieba.posseg.cut(text):
        pieces.append("某某" if flag == "nr" and len(word) >= 2 else word)
    return "".join(pieces)


# jieba's tags of personal names: names, transliterated names, names of famous people
NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})


def is_name(word: str) -> bool:
    """Whether jieba, given the word alone, tags it as a personal name (two characters or
    more). Its dictionary also tags a few common words so (宿舍楼, 安全带): losing them is
    the price of never showing a name."""
    import jieba.posseg

    from grassroots.appeals.similarity import _tokenizer

    if len(word) < 2:
        return False
    _tokenizer()  # jieba initialised with our cache folder
    pieces = list(jieba.posseg.cut(word))
    return len(pieces) == 1 and pieces[0].flag in NAME_TAGS


def words_without_names(texts: Iterable[str]) -> list[str]:
    """Each text's space-separated words without those jieba tags as personal names,
    nor, in the same text, the given names jieba's search mode also cut out of them
    (王建国 → 建国): every distinct word is tagged once, alone."""
    split = [text.split() for text in texts]
    names = {word for word in {w for words in split for w in words} if is_name(word)}
    result = []
    for words in split:
        here = {w for w in words if w in names}
        dropped = here | {name[cut:] for name in here if len(name) >= 3 for cut in (1, 2)}
        result.append(" ".join(w for w in words if w not in dropped) if here else " ".join(words))
    return result
