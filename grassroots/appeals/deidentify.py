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
