"""The similar check: each category's index fitted once per stamp and kept warm, with the
same results as fitting TF-IDF over the query and the candidates on every check."""

from __future__ import annotations

import dataclasses
import datetime
import random
import threading
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from grassroots.appeals import selectors, services, similar_index, similarity
from grassroots.appeals.tests.factories import category, raise_appeal
from grassroots.demo.appeals import TOPICS

SENTENCES = sorted(
    {text for topics in TOPICS.values() for topic in topics for text in (topic.title, topic.text)}
    | {
        "这个情况已经持续一个多月了。",
        "班组里很多同事都有同样的想法。",
        "之前向班组长反映过，还没有结果。",
        "夜班的同事反映更强烈。",
    }
)
CANTEEN = {"title": "食堂排队时间太长", "description": "中午食堂只开两个窗口，排队要二十分钟。"}
CANTEEN_QUERY = "食堂排队太长 中午排队二十分钟"


def reference(text: str, candidates: list[tuple[int, str]]) -> list[tuple[int, float]]:
    """What a check gave before: TF-IDF fitted over the query and the candidates."""
    return reference_tokens(similarity.tokenize(text), candidates)


def reference_tokens(query: str, candidates: list[tuple[int, str]]) -> list[tuple[int, float]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    vectorizer = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True)
    matrix = vectorizer.fit_transform([query, *(tokens for _pk, tokens in candidates)])
    scores = linear_kernel(matrix[0:1], matrix[1:]).ravel()
    ranked = sorted(
        ((candidates[i][0], float(s)) for i, s in enumerate(scores) if s >= similarity.MIN_SCORE),
        key=lambda pair: -pair[1],
    )
    return ranked[:5]


def assert_same(found: list[tuple[int, float]], expected: list[tuple[int, float]]) -> None:
    assert [pk for pk, _ in found] == [pk for pk, _ in expected]
    assert [s for _, s in found] == pytest.approx([s for _, s in expected], abs=1e-9)


def test_the_fitted_index_ranks_and_scores_as_a_fit_per_check():
    # given 301 candidates of realistic text (demo topics, one to three sentences each)
    rng = random.Random(13)
    now = timezone.now()

    def text() -> str:
        return "".join(rng.sample(SENTENCES, rng.randint(1, 3)))

    rows = [
        (pk, similarity.tokenize(text()), now - datetime.timedelta(hours=pk))
        for pk in range(1, similarity.CANDIDATES + 2)
    ]
    index = similarity.index_build(rows)
    window = now - datetime.timedelta(days=180)
    cut = now - datetime.timedelta(hours=200.5)
    offered = 0
    for _check in range(40):
        query = text()
        # when checked against the whole window, with one left out, and with the window moved
        found = index.ranked(similarity.tokenize(query), since=window)
        left_out = index.ranked(similarity.tokenize(query), since=window, exclude=rows[2][0])
        moved = index.ranked(similarity.tokenize(query), since=cut)
        # then the same appeals in the same order with the same scores as a fresh fit
        assert_same(found, reference(query, [(pk, t) for pk, t, _ in rows[:300]]))
        others = [(pk, t) for pk, t, _ in rows if pk != rows[2][0]][:300]
        assert_same(left_out, reference(query, others))
        assert_same(moved, reference(query, [(pk, t) for pk, t, at in rows if at >= cut]))
        offered += len(found)
    assert offered > 40  # the texts do overlap: the comparison is not between empty lists


def test_an_index_built_on_the_last_one_ranks_as_one_built_afresh():
    # given an index, then the candidates a while later: some gone, some new, one
    # whose tokens were rewritten
    rng = random.Random(2026)
    now = timezone.now()

    def text() -> str:
        return "".join(rng.sample(SENTENCES, rng.randint(1, 3)))

    before = [
        (pk, similarity.tokenize(text()), now - datetime.timedelta(hours=pk))
        for pk in range(100, 400)
    ]
    after = [
        (pk, similarity.tokenize(text()), now - datetime.timedelta(minutes=pk))
        for pk in range(1, 60)
    ]
    after += before[:200]
    after[70] = (after[70][0], similarity.tokenize(text()), after[70][2])
    last = similarity.index_build(before)
    index = similarity.index_build(after, previous=last)
    # then what was parsed before is reused, and the ranking is the fresh one's
    assert index.parsed[before[0][0]] is last.parsed[before[0][0]]
    assert index.parsed[after[70][0]] is not last.parsed[after[70][0]]
    window = now - datetime.timedelta(days=180)
    for _check in range(30):
        query = similarity.tokenize(text())
        assert_same(
            index.ranked(query, since=window),
            reference_tokens(query, [(pk, t) for pk, t, _ in after[:300]]),
        )


@pytest.fixture(autouse=True)
def _cold() -> Any:
    similar_index.forget()  # no index warm from an earlier test
    yield
    similar_index.forget()


@pytest.fixture
def fits(monkeypatch) -> list[int]:
    """Counts the fits: one entry (the number of candidates) per index built."""
    counted: list[int] = []
    build = similarity.index_build

    def counting(candidates: Any, **options: Any) -> similarity.Index:
        index = build(candidates, **options)
        counted.append(index.size)
        return index

    monkeypatch.setattr(similarity, "index_build", counting)
    return counted


def check(text: str = CANTEEN_QUERY, **options: Any) -> list[int]:
    return [a.pk for a in selectors.similar_open(category=category(), text=text, **options)]


@pytest.mark.django_db
def test_a_second_check_with_the_same_stamp_does_not_fit_again(world, fits):
    appeal = raise_appeal(world, **CANTEEN)
    raise_appeal(world, title="宿舍热水不稳定", description="宿舍晚上洗澡时热水时有时无。")
    assert check() == [appeal.pk]
    assert check("食堂窗口太少 排队要二十分钟") == [appeal.pk]
    assert fits == [2]


@pytest.mark.django_db
def test_a_stamp_changed_by_another_process_or_lost_means_a_fit(world, fits):
    raise_appeal(world, **CANTEEN)
    check()
    similar_index.stamp_bump(category().pk)  # as another process's change would
    check()
    cache.clear()  # the cache emptied or restarted: no stamp at all
    check()
    assert fits == [1, 1, 1]


@pytest.fixture
def reads(monkeypatch) -> list[int]:
    """Counts the reads of a category's candidates (one entry, the rows read, each)."""
    counted: list[int] = []
    load = selectors._similar_candidates

    def counting(*args: Any) -> Any:
        rows = load(*args)
        counted.append(len(rows))
        return rows

    monkeypatch.setattr(selectors, "_similar_candidates", counting)
    return counted


def _another_process(warm: dict[int, Any], *, age: float = 0.0) -> None:
    """This process's warm indexes swapped for another's, built `age` seconds ago."""
    similar_index._warm.clear()
    similar_index._warm.update(
        {pk: dataclasses.replace(w, built_at=w.built_at - age) for pk, w in warm.items()}
    )


@pytest.mark.django_db
def test_a_just_raised_appeal_is_offered_at_once_here_without_reading_the_candidates(
    world, reads, django_capture_on_commit_callbacks
):
    # given a warm index in this process
    first = raise_appeal(world, **CANTEEN)
    assert check() == [first.pk]
    # when an appeal like it is raised here and committed
    with django_capture_on_commit_callbacks(execute=True):
        second = raise_appeal(world, **CANTEEN)
    # then this process offers it at once, from the index it appended it to
    found = selectors.similar_open(category=category(), text=CANTEEN_QUERY)
    assert {a.pk for a in found} == {first.pk, second.pk}
    assert reads == [1]
    # and the appended index ranks and scores as one built afresh
    appended = similar_index._warm[category().pk].index
    similar_index.forget()
    check()
    fresh = similar_index._warm[category().pk].index
    since = similarity.candidate_window(6)
    assert appended.pks.tolist() == fresh.pks.tolist()
    assert_same(
        appended.ranked(similarity.tokenize(CANTEEN_QUERY), since=since),
        fresh.ranked(similarity.tokenize(CANTEEN_QUERY), since=since),
    )


@pytest.mark.django_db
def test_an_appended_index_is_read_again_once_it_is_seconds_old(
    world, reads, django_capture_on_commit_callbacks
):
    # given an index built here and an appeal appended to it
    first = raise_appeal(world, **CANTEEN)
    check()
    with django_capture_on_commit_callbacks(execute=True):
        second = raise_appeal(world, **CANTEEN)
    # when the index is REFRESH_SECONDS old (the append keeps the additions stamp of
    # its build), then the next check reads the candidates once, and the next none
    _another_process(dict(similar_index._warm), age=similar_index.REFRESH_SECONDS)
    assert set(check()) == {first.pk, second.pk}
    assert set(check()) == {first.pk, second.pk}
    assert reads == [1, 2]


@pytest.mark.django_db
def test_two_appeals_appended_at_once_by_two_threads_are_both_offered_here(
    world, reads, monkeypatch, django_capture_on_commit_callbacks
):
    # given a warm index in this process, and two appeals raised by two of its threads
    first = raise_appeal(world, **CANTEEN)
    assert check() == [first.pk]
    appends = []
    for _ in range(2):
        with django_capture_on_commit_callbacks() as at_commit:
            raised = raise_appeal(world, **CANTEEN)
        appends += [
            (raised.pk, c)
            for c in at_commit
            if getattr(c, "func", None) is similar_index.appeal_added
        ]
    assert len(appends) == 2
    # when their commits append them at once: both read the same index, both build on it
    build = similarity.index_build
    barrier = threading.Barrier(2)
    builds: list[int] = []

    def together(*args: Any, **options: Any) -> similarity.Index:
        builds.append(1)
        if len(builds) <= 2:
            barrier.wait(timeout=5)
        return build(*args, **options)

    monkeypatch.setattr(similarity, "index_build", together)
    threads = [threading.Thread(target=append) for _pk, append in appends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.setattr(similarity, "index_build", build)
    # then the index holds both, and this process offers both without reading again
    held = set(similar_index._warm[category().pk].index.pks.tolist())
    assert held == {first.pk, *(pk for pk, _append in appends)}
    assert set(check()) == held
    assert reads == [1]


@pytest.mark.django_db
def test_a_just_raised_appeal_is_offered_by_another_process_within_seconds(
    world, reads, django_capture_on_commit_callbacks
):
    # given another process whose index predates the new appeal
    first = raise_appeal(world, **CANTEEN)
    check()
    elsewhere = dict(similar_index._warm)
    with django_capture_on_commit_callbacks(execute=True):
        second = raise_appeal(world, **CANTEEN)
    # when its index is REFRESH_SECONDS old, then its next check reads the candidates
    # again and offers the new appeal
    _another_process(elsewhere, age=similar_index.REFRESH_SECONDS)
    assert set(check()) == {first.pk, second.pk}
    assert reads == [1, 2]
    # and so does a process with nothing warm
    similar_index.forget()
    assert set(check()) == {first.pk, second.pk}
    # while an index younger than that, whose additions stamp is the current one, is
    # trusted: no read for a check that follows nobody's new appeal
    assert check() and reads == [1, 2, 2]


@pytest.mark.django_db
def test_an_index_built_moments_ago_is_kept_through_a_burst_of_new_appeals(
    world, reads, django_capture_on_commit_callbacks
):
    # given another process that built its index a moment ago
    raise_appeal(world, **CANTEEN)
    check()
    elsewhere = dict(similar_index._warm)
    # when appeals are raised in this process, one after the other
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            raise_appeal(world, **CANTEEN)
    # then the other process reads nothing again within REFRESH_SECONDS of its build
    _another_process(elsewhere, age=similar_index.REFRESH_SECONDS / 2)
    check()
    check()
    assert reads == [1]


@pytest.mark.django_db
def test_a_closed_appeal_is_dropped_at_once_even_by_an_index_built_moments_ago(
    world, reads, django_capture_on_commit_callbacks
):
    # given another process that built its index a moment ago, with an open appeal
    appeal = raise_appeal(world, **CANTEEN)
    assert check() == [appeal.pk]
    elsewhere = dict(similar_index._warm)
    # when the appeal is declined (here) and committed
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_decline(
            appeal=appeal, actor=world.officer_a, reason="属于工会职责", go_to="公司工会"
        )
    # then the other process's next check no longer offers it
    _another_process(elsewhere)
    assert check() == []
    assert reads == [1, 0]


@pytest.mark.django_db
def test_a_new_appeal_changes_the_additions_stamp_at_the_commit_and_not_the_stamp(
    world, django_capture_on_commit_callbacks
):
    raise_appeal(world, **CANTEEN)
    before = similar_index.stamps(category().pk)
    with django_capture_on_commit_callbacks() as at_commit:
        raise_appeal(world, **CANTEEN)
    # nothing changes before the commit
    assert similar_index.stamps(category().pk) == before
    added = [c for c in at_commit if getattr(c, "func", None) is similar_index.appeal_added]
    assert len(added) == 1
    added[0]()
    stamp, additions = similar_index.stamps(category().pk)
    assert stamp == before[0] and additions not in ("", before[1])


@pytest.mark.django_db
def test_the_stamp_changes_again_at_the_commit(world, django_capture_on_commit_callbacks):
    # given a change, and another process that fits in the meantime: it reads the
    # category's rows as they were before the commit, under the stamp the change set
    appeal = raise_appeal(world, **CANTEEN)
    with django_capture_on_commit_callbacks() as at_commit:
        services.appeal_withdraw(appeal=appeal, by=world.employee)
    during = similar_index.stamp(category().pk)
    bumps = [c for c in at_commit if getattr(c, "func", None) is similar_index.stamp_bump]
    # when the change commits, then the stamp changes again
    assert len(bumps) == 1
    bumps[0]()
    assert similar_index.stamp(category().pk) not in (None, during)


def _open(world: Any) -> Any:
    return raise_appeal(world, **CANTEEN)


def _accepted(world: Any) -> Any:
    appeal = _open(world)
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    return appeal


def _answered(world: Any) -> Any:
    appeal = _accepted(world)
    services.appeal_answer(appeal=appeal, actor=world.officer_a, text="已增加窗口")
    return appeal


CLOSING = {
    "answer": (
        _accepted,
        lambda world, a, _other: services.appeal_answer(
            appeal=a, actor=world.officer_a, text="答复"
        ),
    ),
    "decline": (
        _open,
        lambda world, a, _other: services.appeal_decline(
            appeal=a, actor=world.officer_a, reason="属于工会职责", go_to="公司工会"
        ),
    ),
    "withdraw": (
        _accepted,
        lambda world, a, _other: services.appeal_withdraw(appeal=a, by=world.employee),
    ),
    "merge": (
        _open,
        lambda world, a, other: services.appeal_merge(appeal=a, actor=world.officer_a, into=other),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("step", CLOSING)
def test_an_appeal_no_longer_open_is_no_longer_offered(world, fits, step):
    given, when = CLOSING[step]
    appeal = given(world)
    other = raise_appeal(world, title="厂区绿化", description="希望在休息区多种些树。")
    assert check() == [appeal.pk]
    stamp = similar_index.stamp(category().pk)
    when(world, appeal, other)
    assert similar_index.stamp(category().pk) != stamp  # every process fits again
    assert check() == []
    assert len(fits) == 2


@pytest.mark.django_db
def test_a_reopened_appeal_is_offered_again(world, fits):
    appeal = _answered(world)
    assert check() == []
    services.appeal_rate(appeal=appeal, resolved=False, satisfaction="not", rater=world.employee)
    assert check() == [appeal.pk]
    assert fits == [0, 1]


@pytest.mark.django_db
def test_steps_that_keep_an_appeal_open_keep_the_index(world, fits):
    appeal = _open(world)
    check()
    stamp = similar_index.stamp(category().pk)
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    services.appeal_assign(appeal=appeal, actor=world.officer_a, assignee=world.member_a.user)
    services.followup_add(appeal=appeal, actor=world.member_a.user, text="已联系食堂", public=True)
    assert similar_index.stamp(category().pk) == stamp
    assert check() == [appeal.pk]
    assert fits == [1]


@pytest.mark.django_db
def test_an_excluded_appeal_is_left_out(world):
    first = raise_appeal(world, **CANTEEN)
    second = raise_appeal(world, **CANTEEN)
    assert check(exclude=first.pk) == [second.pk]
    assert set(check()) == {first.pk, second.pk}


@pytest.mark.django_db
def test_an_appeal_past_the_window_drops_out_without_a_fit(world, fits, monkeypatch):
    # given the window starting at noon, 190 days ago, and an appeal raised a minute later
    zone = timezone.get_current_timezone()
    day = timezone.localdate() - datetime.timedelta(days=190)
    noon = datetime.datetime.combine(day, datetime.time(12), zone)
    appeal = raise_appeal(world, **CANTEEN, at=noon + datetime.timedelta(minutes=1))
    starts = [noon]
    monkeypatch.setattr(similarity, "candidate_window", lambda months: starts[-1])
    assert check() == [appeal.pk]
    # when the window moves on two minutes, the same day
    starts.append(noon + datetime.timedelta(minutes=2))
    # then the appeal is not offered, and nothing was fitted again for it
    assert check() == []
    assert fits == [1]


@pytest.mark.django_db
def test_a_longer_window_or_a_new_day_means_a_fit(world, fits, monkeypatch):
    raise_appeal(world, **CANTEEN)
    check()
    months = [6]
    monkeypatch.setattr(selectors.parameters, "value", lambda key: months[-1])
    months.append(7)
    check()
    later = similarity.candidate_window(7) + datetime.timedelta(days=1)
    monkeypatch.setattr(similarity, "candidate_window", lambda m: later)
    check()
    assert len(fits) == 3


@pytest.mark.django_db
def test_an_index_older_than_the_longest_age_is_fitted_again(world, fits):
    raise_appeal(world, **CANTEEN)
    check()
    warm = similar_index._warm[category().pk]
    aged = warm.built_at - similar_index.MAX_AGE_SECONDS - 1
    similar_index._warm[category().pk] = dataclasses.replace(warm, built_at=aged)
    check()
    check()
    assert fits == [1, 1]


@pytest.mark.django_db
def test_without_a_readable_cache_every_check_fits_and_is_right(world, fits, monkeypatch):
    appeal = raise_appeal(world, **CANTEEN)

    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    monkeypatch.setattr(similar_index.cache, "get", unreachable)
    assert check() == [appeal.pk]
    assert check() == [appeal.pk]
    assert fits == [1, 1]


@pytest.mark.django_db
def test_only_the_latest_categories_stay_warm(world, fits, monkeypatch):
    monkeypatch.setattr(similar_index, "WARM_CATEGORIES", 2)
    codes = ["living", "pay", "conditions"]
    for code in codes:
        raise_appeal(world, category=category(code), **CANTEEN)
    for code in [*codes, codes[-1], codes[0]]:
        selectors.similar_open(category=category(code), text=CANTEEN_QUERY)
    assert len(fits) == 4  # the first category was dropped for the third, then fitted again
    assert list(similar_index._warm) == [category(c).pk for c in codes[2:]] + [category().pk]
