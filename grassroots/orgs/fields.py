"""Form fields for choosing a Party organisation or a department.

Public: other apps' forms use them to offer units and departments (their querysets
come from `orgs.selectors`). The rest of `orgs.forms` is private to this app.
"""

from __future__ import annotations

from typing import Any

from django import forms

from grassroots.orgs.selectors import UnitChoice, department_label


def unit_label(unit: Any | UnitChoice, kind_label: str) -> str:
    """A unit indented by its depth and followed by its kind, so that the tree reads."""
    return f"{'　' * unit.depth}{unit.name}（{kind_label}）"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return unit_label(obj, obj.get_kind_display())


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return department_label(obj.depth, obj.name)
