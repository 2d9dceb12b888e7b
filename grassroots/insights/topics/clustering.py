"""Grouping a month's texts into topics: pure over word lists, no database.

The words come already cut by jieba with the appeals' stop-words left out (the appeals'
`words_of`, stored on each appeal at save time). Then:

1. TF-IDF (sublinear term frequency; words in fewer than 2 texts or in more than half of
   them carry no topic and are dropped);
2. LSA: TruncatedSVD to 20 dimensions, rows normalised to unit length, so that
   Euclidean k-means works as cosine similarity (20 did best on the labelled test set,
   against 10, 15, 30, 50 and 100: more keeps the noise of the wording around the
   topic, fewer merges topics);
3. k-means for each number of topics from 2 to 12 (fewer for a small month:
   `topic_choices`), keeping the one with the best silhouette, measured on a fixed
   sample of at most SILHOUETTE_SAMPLE texts (the full silhouette is quadratic); past
   FIT_SAMPLE texts, k is chosen on a fixed sample and its centres refined over all;
4. each topic's keywords are the words of highest mean TF-IDF in it, its examples the
   texts nearest its centre.

Seeds are fixed: the same texts give the same topics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MIN_TEXTS = 10  # fewer than this in a month: no topics, the page says so
MAX_TOPICS = 12
MAX_DIMENSIONS = 20
FIT_SAMPLE = 10_000
SILHOUETTE_SAMPLE = 2000
KEYWORDS = 8
SEED = 18


@dataclass(frozen=True)
class Topic:
    size: int
    keywords: tuple[str, ...]
    examples: tuple[int, ...]  # indices into the texts, nearest the centre first


@dataclass(frozen=True)
class Grouping:
    labels: tuple[int, ...]  # the topic of each text
    topics: tuple[Topic, ...]  # largest first; labels index into this order
    silhouette: float | None


def topic_choices(texts: int) -> range:
    """The numbers of topics tried: 2 to 12, but never more than one per five texts."""
    return range(2, max(2, min(MAX_TOPICS, texts // 5)) + 1)


def group_texts(words: Sequence[str], *, examples: int = 3) -> Grouping:
    """Topics of the texts given as space-separated words (see the module docstring)."""
    if len(words) < MIN_TEXTS:
        return Grouping(labels=(), topics=(), silhouette=None)
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        token_pattern=r"\S+",  # noqa: S106  (a pattern, not a password)
        lowercase=False,
        sublinear_tf=True,
        min_df=2,
        max_df=0.5,
    )
    try:
        tfidf = vectorizer.fit_transform(words)
    except ValueError:  # no word in two texts: nothing in common to group by
        return Grouping(labels=(), topics=(), silhouette=None)
    from threadpoolctl import threadpool_limits

    # One thread: the job shares the machine with the web workers, and k-means' OpenMP
    # threads on a busy machine are many times slower than one thread alone.
    with threadpool_limits(limits=1):
        points = _reduced(tfidf)
        labels, score = _best_kmeans(points)
    vocabulary = vectorizer.get_feature_names_out()
    sizes = np.bincount(labels)
    order = [int(c) for c in np.argsort(-sizes, kind="stable") if sizes[c] > 0]
    renumber = {old: new for new, old in enumerate(order)}
    topics = []
    for cluster in order:
        members = np.flatnonzero(labels == cluster)
        weights = np.asarray(tfidf[members].mean(axis=0)).ravel()
        ranked = [int(i) for i in np.argsort(-weights, kind="stable") if weights[i] > 0]
        # whole words first: jieba's search mode also yields the single characters
        keywords = [vocabulary[i] for i in ranked if len(vocabulary[i]) > 1][:KEYWORDS]
        centre = points[members].mean(axis=0)
        nearest = members[np.argsort(-(points[members] @ centre), kind="stable")[:examples]]
        topics.append(Topic(int(members.size), tuple(keywords), tuple(int(i) for i in nearest)))
    return Grouping(
        labels=tuple(renumber[int(c)] for c in labels), topics=tuple(topics), silhouette=score
    )


def _reduced(tfidf: Any) -> Any:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    dimensions = min(MAX_DIMENSIONS, tfidf.shape[1] - 1, tfidf.shape[0] - 1)
    if dimensions < 2:
        return normalize(tfidf.toarray())
    reduced = TruncatedSVD(n_components=dimensions, random_state=SEED).fit_transform(tfidf)
    return normalize(reduced)


def _best_kmeans(points: Any) -> tuple[Any, float | None]:
    """k-means for each k of `topic_choices`, the best silhouette's labels. Past
    FIT_SAMPLE texts the k is chosen on a fixed sample, and the chosen centres are then
    refined over every text (Lloyd's iterations from them): a topic of 1 % of the texts
    still has some hundred in the sample, and 100,000 texts cost one full fit, not eleven."""
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    rows = points.shape[0]
    order = np.random.default_rng(SEED).permutation(rows)
    fitted = points if rows <= FIT_SAMPLE else points[np.sort(order[:FIT_SAMPLE])]
    sample = order[:SILHOUETTE_SAMPLE] if rows <= FIT_SAMPLE else np.arange(SILHOUETTE_SAMPLE)
    best: tuple[float, Any] | None = None
    for k in topic_choices(rows):
        model = KMeans(n_clusters=k, random_state=SEED, n_init=5).fit(fitted)
        labels = model.labels_
        if len(set(labels[sample].tolist())) < 2:
            continue
        score = float(silhouette_score(fitted[sample], labels[sample]))
        if best is None or score > best[0]:
            best = (score, model)
    if best is None:
        return np.zeros(rows, dtype=int), None
    score, model = best
    if rows <= FIT_SAMPLE:
        return model.labels_, score
    final = KMeans(
        n_clusters=model.n_clusters, init=model.cluster_centers_, n_init=1, max_iter=50
    ).fit(points)
    return final.labels_, score


def matched_previous(
    keywords: Sequence[str], previous: Sequence[Sequence[str]], *, least: int = 2
) -> int | None:
    """The index of last month's topic this one continues: the one sharing the most
    keywords, at least `least` of them — or one only when it is the first keyword of
    either (a small month's lesser keywords are noise); ties: the earlier, i.e. larger,
    topic. None for a new topic."""
    mine = set(keywords)
    best, shared = None, 0
    for index, theirs in enumerate(previous):
        common = len(mine & set(theirs))
        leading = bool(theirs) and bool(keywords) and (theirs[0] in mine or keywords[0] in theirs)
        if (common >= least or (common and leading)) and common > shared:
            best, shared = index, common
    return best


def change_of(size: int, previous_size: int | None) -> str:
    """'new', 'up', 'down' or 'same' against last month's matching topic."""
    if previous_size is None:
        return "new"
    if size > previous_size:
        return "up"
    if size < previous_size:
        return "down"
    return "same"
