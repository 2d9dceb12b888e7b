"""An anonymous appeal's receipt given again, for a form sent twice whose first answer
was lost (docs/architecture.md, "Offline").

The tracking code and PIN are shown once, on the page that answers the form. When that
answer never arrives (the connection drops as it comes back, and the device's queue sends
the form again with the same one-time key), nobody has seen the PIN: the second answer
gives a new PIN, and the old one stops working. The one-time key is a random value only
the device that filled in the form holds, and this is done only shortly after the appeal
came in, so a form sent again much later shows no receipt."""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction

from grassroots.appeals.models import Appeal
from grassroots.appeals.services.intake import Submitted, _new_pin
from grassroots.appeals.services.steps import moment

# An anonymous appeal's time is kept to the hour (rules.anonymous_shown_at): two hours
# from that is one to two hours after the form was sent.
RECEIPT_AGAIN_WITHIN = datetime.timedelta(hours=2)


def anonymous_receipt_again(
    *, appeal: Appeal, at: datetime.datetime | None = None
) -> Submitted | None:
    """A new PIN for an anonymous appeal whose form came again soon after it was raised,
    or None (a named appeal, or too long ago: the form was sent twice on purpose)."""
    at = moment(at)
    if not appeal.is_anonymous or not appeal.tracking_code:
        return None
    if appeal.created_at < at - RECEIPT_AGAIN_WITHIN:
        return None
    pin = _new_pin()
    with transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk, is_anonymous=True).update(
            pin_hash=make_password(pin, hasher="pbkdf2_sha256_pin")
        )
    appeal.refresh_from_db(fields=["pin_hash"])
    return Submitted(appeal, tracking_code=appeal.tracking_code, pin=pin, repeated=True)
