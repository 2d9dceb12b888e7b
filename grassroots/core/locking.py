"""One way to lock a row before a state change."""

from __future__ import annotations

from django.db import models


def locked[M: models.Model](instance: M, *, related: tuple[str, ...] = ()) -> M:
    """The row of `instance` read again under `SELECT … FOR UPDATE`, inside the caller's
    transaction: the state a service checks is the state it changes, whatever another
    request did meanwhile. Only the row itself is locked (`of=self`), so nullable
    relations may be selected with it on PostgreSQL."""
    # _meta, not type(): request.user is a lazy proxy whose type is not the model.
    model: type[M] = instance._meta.model  # type: ignore[assignment]
    query = model._default_manager.select_for_update(of=("self",))
    if related:
        query = query.select_related(*related)
    return query.get(pk=instance.pk)
