"""The hot topics' quality, measured on a labelled set of appeal texts (topic_texts).

The floors sit well under what the method reaches (ARI 0.63, purity 0.83 on this set,
docs/benchmarks.md) and far above what a random grouping into as many topics gets (ARI
about 0, purity about 0.18): a change that breaks the grouping fails here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import adjusted_rand_score

from grassroots.appeals.selectors import words_of
from grassroots.insights.tests.topic_texts import CATEGORIES, labelled_texts
from grassroots.insights.topics.clustering import group_texts

ARI_FLOOR = 0.45
PURITY_FLOOR = 0.65


def purity(truth: Sequence[str], labels: Sequence[int]) -> float:
    """The share of texts in their topic's most common category."""
    per_topic: dict[int, Counter[str]] = {}
    for category, label in zip(truth, labels, strict=True):
        per_topic.setdefault(label, Counter())[category] += 1
    return sum(c.most_common(1)[0][1] for c in per_topic.values()) / len(truth)


def _labelled() -> tuple[list[str], list[str]]:
    rows = list(labelled_texts(60))
    return [c for c, _t in rows], [words_of(t) for _c, t in rows]


def test_the_set_is_several_hundred_texts_of_several_categories_all_different():
    rows = list(labelled_texts(60))
    assert len(rows) == 60 * len(CATEGORIES) >= 400
    assert len(CATEGORIES) >= 6
    assert len({text for _c, text in rows}) > 0.9 * len(rows)


def test_topics_recover_the_categories_above_the_floors():
    # given the labelled texts, cut into words as the appeals' are
    truth, words = _labelled()
    # when they are grouped
    grouping = group_texts(words)
    # then the topics agree with the categories
    assert adjusted_rand_score(truth, grouping.labels) >= ARI_FLOOR
    assert purity(truth, grouping.labels) >= PURITY_FLOOR
    assert 2 <= len(grouping.topics) <= 12


def test_a_random_grouping_fails_the_floors():
    truth, _words = _labelled()
    random_labels = np.random.default_rng(18).integers(0, len(CATEGORIES), len(truth)).tolist()
    assert adjusted_rand_score(truth, random_labels) < ARI_FLOOR / 4
    assert purity(truth, random_labels) < PURITY_FLOOR / 2


def test_keywords_name_the_topic():
    truth, words = _labelled()
    grouping = group_texts(words)
    canteen = Counter(
        label
        for label, category in zip(grouping.labels, truth, strict=True)
        if category == "canteen"
    ).most_common(1)[0][0]
    assert "食堂" in grouping.topics[canteen].keywords


def test_the_same_texts_give_the_same_topics():
    _truth, words = _labelled()
    assert group_texts(words[:200]).labels == group_texts(words[:200]).labels
