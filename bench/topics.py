"""Time and memory of grouping 100,000 texts into hot topics (issue 18).

    GRASSROOTS_DATA_DIR=/tmp/bench-data .venv/bin/python bench/topics.py --texts 100000

The texts come from the labelled generator of the tests (topic_texts: eight categories,
sentence templates with varied slots), cut into words by the appeals' jieba tokeniser
(`words_of`, what an appeal stores at save time). Cutting is timed apart: the monthly job
reads the appeals' stored words and cuts only comments and visit notes. Then the grouping
(`group_texts`: TF-IDF, LSA, k-means for 2 to 12 topics chosen by silhouette, keywords,
examples) is timed with time.perf_counter, its peak memory taken by tracemalloc (numpy
and scipy report their buffers to it), and the process' peak resident size by
resource.getrusage. The labels give the adjusted Rand index and purity at this scale.
No database.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=100_000)
    options = parser.parse_args()

    import django

    django.setup()
    from sklearn.metrics import adjusted_rand_score

    from grassroots.appeals.selectors import words_of
    from grassroots.insights.tests.test_topic_quality import purity
    from grassroots.insights.tests.topic_texts import CATEGORIES, labelled_texts
    from grassroots.insights.topics.clustering import group_texts

    rows = list(labelled_texts(options.texts // len(CATEGORIES), seed=100))
    words_of("预热")  # jieba's dictionary loaded before the clock starts
    started = time.perf_counter()
    words = [words_of(text) for _category, text in rows]
    cutting = time.perf_counter() - started

    # scikit-learn's modules imported before the clock starts, as in a worker that has
    # grouped once already (a cold import took 5-17 s on the loaded machine)
    group_texts(words[:200])
    tracemalloc.start()
    started = time.perf_counter()
    grouping = group_texts(words)
    grouping_seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    truth = [category for category, _text in rows]
    print(f"texts: {len(rows):,}, categories: {len(CATEGORIES)}")
    print(f"cutting words (jieba): {cutting:.1f} s ({cutting / len(rows) * 1000:.2f} ms a text)")
    print(f"grouping: {grouping_seconds:.1f} s, peak traced memory {peak / 2**20:.0f} MiB")
    print(f"process peak resident size: {rss:.0f} MiB")
    print(f"topics: {len(grouping.topics)}, silhouette (sample): {grouping.silhouette:.3f}")
    print(f"adjusted Rand index: {adjusted_rand_score(truth, grouping.labels):.3f}")
    print(f"purity: {purity(truth, grouping.labels):.3f}")
    for topic in grouping.topics:
        print(f"  {topic.size:>6}  {' '.join(topic.keywords)}")


if __name__ == "__main__":
    main()
