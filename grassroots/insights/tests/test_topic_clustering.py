from __future__ import annotations

from grassroots.insights.topics.clustering import (
    MIN_TEXTS,
    change_of,
    group_texts,
    matched_previous,
    topic_choices,
)


def test_too_few_texts_make_no_topics():
    assert group_texts(["食堂 饭菜"] * (MIN_TEXTS - 1)).topics == ()


def test_texts_with_no_word_in_common_make_no_topics():
    assert group_texts([f"词{i}" for i in range(MIN_TEXTS + 5)]).topics == ()


def test_topic_choices_never_exceed_one_per_five_texts_nor_twelve():
    assert list(topic_choices(10)) == [2]
    assert max(topic_choices(40)) == 8
    assert max(topic_choices(100_000)) == 12


def test_a_topic_continues_the_one_of_last_month_sharing_most_keywords():
    previous = [["班车", "晚点", "通勤"], ["食堂", "饭菜", "排队", "窗口"]]
    assert matched_previous(["食堂", "排队", "价格"], previous) == 1
    assert matched_previous(["宿舍", "热水", "食堂"], previous) == 1  # their first word
    assert matched_previous(["宿舍", "热水", "排队"], previous) is None  # one lesser word
    assert matched_previous(["宿舍"], []) is None


def test_change_from_last_month():
    assert change_of(5, None) == "new"
    assert change_of(5, 3) == "up"
    assert change_of(2, 3) == "down"
    assert change_of(3, 3) == "same"
