from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from grassroots.core import parameters
from grassroots.core.admin import RuleParameterForm
from grassroots.core.models import AuditEntry, RuleParameter
from grassroots.core.services import parameter_set


def test_every_rule_parameter_gets_a_row_with_its_default(db):
    keys = set(RuleParameter.objects.values_list("key", flat=True))
    assert set(parameters.REGISTRY) <= keys
    assert RuleParameter.objects.get(key="orgs.branch_max_members").value == 50


def test_the_value_in_force_follows_an_administrators_change(db, world):
    # when
    parameter_set(actor=world.admin, key="orgs.branch_max_members", value=40)
    parameters.forget_cached_values()
    # then
    assert parameters.value("orgs.branch_max_members") == 40
    entry = AuditEntry.objects.get(action="parameter.set")
    assert entry.actor == world.admin and entry.changes == {"value": [50, 40]}


@pytest.mark.parametrize("bad", [0, -1, "many", 2.5, True])
def test_invalid_values_are_refused_with_a_message(db, bad):
    with pytest.raises(ValidationError):
        parameter_set(actor=None, key="orgs.branch_max_members", value=bad)
    parameters.forget_cached_values()
    assert parameters.value("orgs.branch_max_members") == 50


def test_the_admin_form_validates_with_the_parameter_definition(db):
    row = RuleParameter.objects.get(key="orgs.term_reminder_days")
    form = RuleParameterForm(data={"value": "400"}, instance=row)
    assert not form.is_valid()
    assert "value" in form.errors


def test_a_value_broken_in_the_database_falls_back_to_the_default(db):
    RuleParameter.objects.filter(key="orgs.branch_min_full_members").update(value="oops")
    parameters.forget_cached_values()
    assert parameters.value("orgs.branch_min_full_members") == 3
