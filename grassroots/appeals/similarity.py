"""Similar open appeals: jieba tokens stored at save time, TF-IDF cosine at query time.

Candidates are the open appeals of the same category from the last few months (the
newest few hundred), so each check stays fast however many appeals there are. Their
words are parsed into an `Index` once and kept warm per process (similar_index), so
that a check is the query's words looked up and two sparse products, with the scores
of a TF-IDF fitted over the query and the candidates.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    import numpy as np

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


# the words of stored tokens, as TfidfVectorizer(token_pattern=r"\S+") read them
_TERM = re.compile(r"\S+")


def _terms(tokens: str) -> list[str]:
    return _TERM.findall(tokens.lower())


@dataclass(frozen=True)
class Parsed:
    """One candidate's words: what an index keeps of it between fits."""

    tokens: str
    columns: np.ndarray  # int64, into the index's vocabulary
    weights: np.ndarray  # 1 + ln(count), TF-IDF's sublinear term frequency


@dataclass(frozen=True)
class Index:
    """One category's candidates, newest first, parsed once: a check is the query's
    words looked up, two sparse products and a sort.

    Scores are the ones a TfidfVectorizer (sublinear tf, smoothed idf, l2 norm) fitted
    over the query and the candidates gives: the inverse document frequencies are worked
    out per check from the candidates' document frequencies, counting the query as one
    more document, so fitting once changes no score. Candidates a check leaves out (past
    the window since the fit, the one excluded) are taken out of the frequencies too.
    Immutable, so that threads share it."""

    pks: np.ndarray  # int64
    created: np.ndarray  # POSIX seconds
    vocabulary: dict[str, int]  # never changed once the index is built
    parsed: dict[int, Parsed]
    weights: Any  # scipy CSR, one row a candidate
    squares: Any  # weights², for each candidate's norm once the idf is known
    frequencies: np.ndarray  # candidates holding each term

    @property
    def size(self) -> int:
        return int(self.pks.size)

    def ranked(
        self,
        query: str,
        *,
        since: datetime.datetime,
        exclude: int | None = None,
        limit: int = 5,
    ) -> list[tuple[int, float]]:
        """(id, score) of the candidates closest to the tokenized `query`, best first,
        above MIN_SCORE: the newest CANDIDATES created since `since`, less `exclude`."""
        import numpy as np

        terms = _terms(query)
        if not terms or not self.size:
            return []
        taken = self.created >= since.timestamp()
        if exclude is not None:
            taken &= self.pks != exclude
        taken &= np.cumsum(taken) <= CANDIDATES
        rows = int(np.count_nonzero(taken))
        if not rows:
            return []
        weights, frequencies = self.weights, self.frequencies
        if rows < self.size:
            starts, ends = weights.indptr[:-1][~taken], weights.indptr[1:][~taken]
            left_out = np.concatenate(
                [weights.indices[a:b] for a, b in zip(starts, ends, strict=True)]
            )
            frequencies = frequencies - np.bincount(left_out, minlength=frequencies.size)
        counts = Counter(terms)
        known = {self.vocabulary[t]: c for t, c in counts.items() if t in self.vocabulary}
        unknown = np.array([c for t, c in counts.items() if t not in self.vocabulary], float)
        columns = np.fromiter(known, dtype=np.int64, count=len(known))
        documents = rows + 1  # the query is one of them, as when fitted together
        idf = np.log((documents + 1) / (frequencies + 1)) + 1.0
        idf[columns] = np.log((documents + 1) / (frequencies[columns] + 2)) + 1.0
        query_weights = np.zeros(frequencies.size)
        query_weights[columns] = (
            np.log(np.fromiter(known.values(), dtype=float, count=len(known))) + 1.0
        ) * idf[columns]
        alone = np.log((documents + 1) / 2) + 1.0  # the idf of a word only the query has
        query_norm = np.sqrt(
            query_weights @ query_weights + np.sum(((np.log(unknown) + 1.0) * alone) ** 2)
        )
        norms = np.sqrt(self.squares @ (idf * idf))
        dots = weights @ (idf * query_weights)
        scores = np.zeros(self.size)
        np.divide(dots, norms * query_norm, out=scores, where=taken & (norms > 0))
        order = np.argsort(-scores, kind="stable")  # ties: the newer first, as before
        return [
            (int(self.pks[i]), float(scores[i]))
            for i in order[:limit]
            if taken[i] and scores[i] >= MIN_SCORE
        ]


def index_build(
    candidates: Sequence[tuple[int, str, datetime.datetime]], *, previous: Index | None = None
) -> Index:
    """The index of (id, tokens, created_at) rows, newest first. The candidates a
    `previous` index of the category holds with the same tokens are not parsed again:
    after one appeal more or less, building is putting the rows together."""
    import numpy as np
    from scipy import sparse

    if previous is not None:
        in_use = int(np.count_nonzero(previous.frequencies))
        if len(previous.vocabulary) > 2 * in_use + 1024:
            previous = None  # mostly words of candidates long gone: start afresh
    vocabulary = previous.vocabulary if previous is not None else {}
    known = previous.parsed if previous is not None else {}
    parsed: dict[int, Parsed] = {}
    fresh: list[tuple[int, str]] = []
    for pk, tokens, _at in candidates:
        found = known.get(pk)
        if found is not None and found.tokens == tokens:
            parsed[pk] = found
        else:
            fresh.append((pk, tokens))
    if fresh:
        # a copy (the previous index's stays as it is) that numbers a new word itself
        growing: defaultdict[str, int] = defaultdict(None, vocabulary)
        growing.default_factory = growing.__len__
        words = [_terms(tokens) for _pk, tokens in fresh]
        columns = np.fromiter(map(growing.__getitem__, chain.from_iterable(words)), dtype=np.int64)
        vocabulary = dict(growing)
        # (candidate, word) counted and sorted at once: each candidate's words in
        # column order, so that candidates with the same words add up their products
        # in the same order and tie exactly, as they did
        row_of = np.repeat(np.arange(len(fresh), dtype=np.int64), [len(w) for w in words])
        pairs, counts = np.unique(row_of * len(vocabulary) + columns, return_counts=True)
        all_columns = pairs % len(vocabulary)
        all_tf = np.log(counts) + 1.0
        ends = np.cumsum(np.bincount(pairs // len(vocabulary), minlength=len(fresh))).tolist()
        for (pk, tokens), start, end in zip(fresh, [0, *ends[:-1]], ends, strict=True):
            parsed[pk] = Parsed(tokens, all_columns[start:end], all_tf[start:end])
    rows = [parsed[pk] for pk, _tokens, _at in candidates]
    lengths = np.fromiter((row.columns.size for row in rows), dtype=np.int64, count=len(rows))
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    empty = np.zeros(0)
    weights = sparse.csr_matrix(
        (
            np.concatenate([row.weights for row in rows] or [empty]),
            np.concatenate([row.columns for row in rows] or [empty.astype(np.int64)]),
            indptr,
        ),
        shape=(len(rows), len(vocabulary)),
    )
    return Index(
        pks=np.fromiter((pk for pk, _t, _a in candidates), dtype=np.int64, count=len(rows)),
        created=np.fromiter(
            (at.timestamp() for _p, _t, at in candidates), dtype=float, count=len(rows)
        ),
        vocabulary=vocabulary,
        parsed=parsed,
        weights=weights,
        squares=weights.multiply(weights).tocsr(),
        frequencies=np.bincount(weights.indices, minlength=len(vocabulary)).astype(float),
    )


def candidate_window(months: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=31 * months)
