"""What organisational life tells the apps above it without knowing them.

`held_meeting_changed` is sent (sender: the Meeting class) whenever a held meeting's
record changes in a way that can change who studied at it: it was recorded as held, its
attendance, date, kind or "also counts as" were edited. Keyword arguments: `meeting_id`
and `years`, the years it was held in before and after the change. Learning listens to
keep its yearly hours tallies in step (grassroots.learning.receivers)."""

from django.dispatch import Signal

held_meeting_changed = Signal()
