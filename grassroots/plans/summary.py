"""The year's summary drafted from the records: openness's draft of the work summary
(the year's figures) followed by what the plan held and what was done, with links."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from grassroots.core.periods import Period
from grassroots.openness.notices.drafts import draft_for
from grassroots.plans.selectors import PlanView


def _absolute(url: str) -> str:
    return settings.GRASSROOTS_BASE_URL.rstrip("/") + url if url.startswith("/") else url


def summary_draft(view: PlanView) -> tuple[str, str]:
    plan = view.plan
    unit = plan.unit
    draft = draft_for(unit, "work_summary", Period.year(plan.year))
    title = (
        draft.title
        if draft is not None
        else _("%(unit)s: work summary of %(year)s") % {"unit": unit.name, "year": plan.year}
    )
    progress = view.progress
    lines = [
        _("What the plan held and what was done (%(done)s of %(total)s items fulfilled)")
        % {"done": progress.done, "total": progress.total},
        "",
    ]
    for number, each in enumerate(view.items, start=1):
        item = each.item
        state = _("done") if each.fulfilled else _("not done")
        lines.append(
            _("%(n)s. %(what)s (due %(due)s; %(state)s)")
            % {"n": number, "what": item.what, "due": item.due_on.isoformat(), "state": state}
        )
        if item.goal:
            lines.append("   " + _("Goal: %(goal)s") % {"goal": item.goal})
        for link in each.links:
            if link.done:
                lines.append(f"   - {link.link.label} {_absolute(link.link.url)}")
    body = "\n".join(lines)
    if draft is not None:
        body = draft.body.rstrip() + "\n\n" + body
    return title[:200], body
