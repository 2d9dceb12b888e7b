"""`rules.parse_ballot`: a posted ballot read against its questionnaire, without the
database. Every bad input refuses the ballot whole and says why."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.evaluation.campaigns import rules

SUBJECTS, ITEMS = (11, 12), (21, 22, 23)


def _whole(score: str = "5") -> dict[str, list[str]]:
    return {f"s{s}_i{i}": [score] for s in SUBJECTS for i in ITEMS}


def _parse(fields, scale: str = rules.FIVE) -> rules.ParsedBallot:
    return rules.parse_ballot(fields, subject_ids=SUBJECTS, item_ids=ITEMS, scale=scale)


def test_a_whole_ballot_is_read_with_its_comments_and_the_token_left_aside():
    # given
    fields = _whole("4") | {
        "c11": ["  食堂排队太久 \n"],
        "c12": ["   "],
        "csrfmiddlewaretoken": ["x"],
    }
    # when
    ballot = _parse(fields)
    # then
    assert ballot.problem is None
    assert ballot.marked == frozenset()
    assert ballot.answers == {(s, i): 4 for s in SUBJECTS for i in ITEMS}
    assert ballot.remarks == {11: "食堂排队太久"}


def test_a_missing_answer_is_refused_and_marked():
    fields = _whole()
    del fields["s12_i23"]
    ballot = _parse(fields)
    assert ballot.problem
    assert ballot.marked == {"s12_i23"}


def test_an_empty_ballot_marks_every_question():
    ballot = _parse({})
    assert ballot.problem
    assert len(ballot.marked) == len(SUBJECTS) * len(ITEMS)


@given(st.text(max_size=6).filter(lambda value: value not in {"1", "2", "3", "4", "5"}))
def test_a_value_off_the_scale_is_refused_and_marked(value):
    ballot = _parse(_whole() | {"s11_i21": [value]})
    assert ballot.problem
    assert "s11_i21" in ballot.marked
    assert (11, 21) not in ballot.answers


def test_the_satisfaction_scale_takes_three_values_only():
    assert _parse(_whole("3"), rules.SATISFACTION).problem is None
    refused = _parse(_whole("3") | {"s11_i21": ["4"]}, rules.SATISFACTION)
    assert refused.marked == {"s11_i21"}


def test_an_unknown_question_or_subject_is_refused_whole():
    for name in ("s11_i99", "s99_i21", "c99"):
        ballot = _parse(_whole() | {name: ["5"]})
        assert ballot.problem, name
        assert ballot.answers == {} and ballot.remarks == {}, name


def test_a_field_sent_twice_is_refused_whole():
    for name, values in (("s11_i21", ["5", "1"]), ("s11_i21", ["5", "5"]), ("c11", ["a", "b"])):
        ballot = _parse(_whole() | {name: values})
        assert ballot.problem, name
        assert ballot.answers == {}, name


def test_a_comment_over_the_limit_is_refused_and_marked():
    at_limit = _parse(_whole() | {"c11": ["评" * rules.COMMENT_MAX + "   "]})
    assert at_limit.problem is None
    over = _parse(_whole() | {"c11": ["评" * (rules.COMMENT_MAX + 1)]})
    assert over.problem
    assert over.marked == {"c11"}


def test_a_comment_with_a_null_character_is_refused():
    ballot = _parse(_whole() | {"c11": ["a\x00b"]})
    assert ballot.problem
    assert ballot.remarks == {}


def test_a_script_in_a_comment_is_kept_as_the_text_it_is():
    text = "<script>alert(1)</script>食堂"
    ballot = _parse(_whole() | {"c12": [text]})
    assert ballot.problem is None
    assert ballot.remarks == {12: text}


def test_field_names_that_only_look_like_the_ballots_are_not_read():
    lookalikes = {"s11_i21x": ["9"], "cx": ["a"], "xs11_i21": ["9"], "c": ["a"], "s011_i21": ["1"]}
    ballot = _parse(_whole() | lookalikes | {"c011": ["x"]})
    assert ballot.problem is None
    assert ballot.answers[(11, 21)] == 5
    assert ballot.remarks == {}


def test_a_query_dict_itself_is_refused_as_the_wrong_shape():
    """A QueryDict maps a name to its last value (a str, itself a sequence of str): read
    as it is, a field sent twice would pass unseen. The rule takes `lists()`'s shape."""
    from django.http import QueryDict

    posted = QueryDict("&".join(f"{name}={values[0]}" for name, values in _whole().items()))
    with pytest.raises(TypeError):
        _parse(posted)
    assert _parse(dict(posted.lists())).problem is None


def test_a_line_break_counts_as_one_character_as_the_browser_counts_it():
    """A browser counts a line break as one character against maxlength but sends it as
    CRLF: the rule counts it as one too, and keeps it as a plain "\\n"."""
    lines = "\r\n".join(["评" * 99] * 10)  # 999 characters for the browser
    at_limit = _parse(_whole() | {"c11": [lines + "评\r\n"]})
    assert at_limit.problem is None
    assert at_limit.remarks[11] == "\n".join(["评" * 99] * 10) + "评"
    assert len(at_limit.remarks[11]) == rules.COMMENT_MAX
    over = _parse(_whole() | {"c11": [lines + "评评"]})
    assert over.problem
    assert over.marked == {"c11"}
