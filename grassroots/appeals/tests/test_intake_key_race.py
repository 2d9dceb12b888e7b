"""The offline queue, a second tab and a retry may send one appeal form at the same
moment: its one-time key makes exactly one appeal, named or anonymous."""

from __future__ import annotations

import pytest

from grassroots.appeals import services
from grassroots.appeals.intake import AppealDraft, Channel
from grassroots.appeals.models import Appeal
from grassroots.appeals.tests.factories import category
from grassroots.core.testing.races import at_once


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("anonymous", [False, True])
def test_one_key_sent_by_four_threads_raises_one_appeal(world, anonymous):
    draft = AppealDraft(
        channel=Channel.ANONYMOUS if anonymous else Channel.WEB,
        category=category(),
        title="宿舍热水",
        description="宿舍晚上十点以后没有热水。",
        department=world.department_a,
        submitter=None if anonymous else world.employee,
        anonymous=anonymous,
        idempotency_key="queued-offline-1",
    )
    results, failed = at_once(lambda: services.appeal_submit(draft=draft), times=4)
    assert failed == []
    assert len({result.appeal.pk for result in results}) == 1
    assert sum(not result.repeated for result in results) == 1
    assert Appeal.objects.filter(idempotency_key="queued-offline-1").count() == 1
