from __future__ import annotations

from grassroots.core.audit import HIDDEN, diff


def test_diff_lists_only_changed_fields():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}


def test_sensitive_values_never_reach_the_log():
    changes = diff(
        {"id_card_number": "", "has_disability": False},
        {"id_card_number": "11010519491231002X", "has_disability": True},
    )
    assert changes == {"id_card_number": ["", HIDDEN], "has_disability": [HIDDEN, HIDDEN]}
    assert "11010519491231002X" not in str(changes)
