"""Similar open appeals: jieba tokens stored at save time, TF-IDF cosine at query time.

Candidates are the open appeals of the same category from the last few months (the
newest few hundred), so each check stays fast however many appeals there are.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import warnings
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)
CANDIDATES = 300
MIN_SCORE = 0.25
_WORD = re.compile(r"[\w]+", re.UNICODE)
_jieba: Any = None


def _tokenizer() -> Any:
    global _jieba
    if _jieba is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            import jieba

        cache = settings.DATA_DIR / "jieba"
        cache.mkdir(parents=True, exist_ok=True)
        jieba.dt.tmp_dir = str(cache)
        jieba.setLogLevel(logging.WARNING)
        os.environ.setdefault("JIEBA_CACHE", str(cache))
        jieba.initialize()
        _jieba = jieba
    return _jieba


STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "是",
        "在",
        "我",
        "我们",
        "有",
        "也",
        "就",
        "都",
        "很",
        "还",
        "请",
        "希望",
        "一个",
        "这个",
        "那个",
        "能",
        "要",
        "对",
        "把",
        "给",
        "被",
        "不",
        "没有",
        "问题",
    ]
)


def tokenize(text: str) -> str:
    """Space-separated words for the similarity index (stored on the appeal)."""
    words = (word.strip().lower() for word in _tokenizer().cut_for_search(text))
    return " ".join(w for w in words if w and _WORD.fullmatch(w) and w not in STOP_WORDS)


def similar(
    text: str, candidates: Sequence[tuple[int, str]], *, limit: int = 5
) -> list[tuple[int, float]]:
    """(id, score) of the candidates closest to `text`, best first, above MIN_SCORE."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    query = tokenize(text)
    if not query or not candidates:
        return []
    documents = [tokens for _pk, tokens in candidates]
    vectorizer = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True)  # noqa: S106 - a regex
    try:
        matrix = vectorizer.fit_transform([query, *documents])
    except ValueError:  # nothing but stop words
        return []
    scores = linear_kernel(matrix[0:1], matrix[1:]).ravel()
    ranked = sorted(
        ((candidates[i][0], float(score)) for i, score in enumerate(scores) if score >= MIN_SCORE),
        key=lambda pair: -pair[1],
    )
    return ranked[:limit]


def candidate_window(months: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=31 * months)
