"""How service pages word the one satisfaction scale (core.satisfaction).

What is stored, counted and read by other apps is `Satisfaction`; only the question a
page asks differs: a commitment is "kept", a practical deed is "delivered".
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from grassroots.core.satisfaction import Satisfaction

KEPT: dict[str, Promise] = {
    Satisfaction.SATISFIED: _("Kept (满意)"),
    Satisfaction.FAIRLY: _("Partly kept (基本满意)"),
    Satisfaction.NOT: _("Not kept (不满意)"),
}
DELIVERED: dict[str, Promise] = {
    Satisfaction.SATISFIED: _("Delivered"),
    Satisfaction.FAIRLY: _("Partly delivered"),
    Satisfaction.NOT: _("Not delivered"),
}


def choices(wording: dict[str, Promise]) -> list[tuple[str, Promise]]:
    """Form choices in the scale's order, in the page's words."""
    return [(value, wording[value]) for value in Satisfaction.values]
