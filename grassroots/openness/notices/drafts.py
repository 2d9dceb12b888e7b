"""Notices drafted from the records (nobody types numbers the product already knows):
for a catalogue item whose content exists elsewhere — the practical-deed list, the
meetings held, the evaluation results, commendations — the text is written from the
other parts' read contracts, with counts, lists and links, for the officer to edit
before publishing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from grassroots.core.periods import Period

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


@dataclass(frozen=True)
class Draft:
    title: str
    body: str
    # False where nothing in the records could be drafted from (the text is a frame)
    from_records: bool


def draft_for(unit: OrgUnit, kind: str, period: Period | None) -> Draft | None:
    """The draft of a notice of `kind` by `unit` covering `period`, or None when the
    kind has nothing to draft from."""
    return None
