"""The member list's order, kept on each member record as `Member.list_key`.

The list is ordered by the branch's place in the Party tree, then by employee number.
Those two values live in two other tables, so no index could hand out the rows in that
order: every deep page sorted all the matching records first (page 50 of a filtered
list of the whole group: 110 ms of SQL at 100,000 records). The key copies them onto
the record ("<branch path>/<employee number>"); one index on (key, id) then serves
any page by seeking to it (`grassroots.core.pagination.SeekPaginator`).

Keeping the copy right:
- inserts and saves that name the field write it from the database's current values
  (`MemberListKeyField.pre_save`);
- the services that change a record's branch or move a branch rewrite the keys they
  touch (`list_keys_refresh`);
- `list_keys_repair` (nightly) rewrites any key that no longer matches, e.g. after an
  employee number was edited in the admin.

The key is only an order and an index range: who may see which record is still decided
by the branch's path (`policy.listable_members`), never by the key.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Concat

from grassroots.accounts import selectors as accounts
from grassroots.core.tree import outermost
from grassroots.orgs.models import LIST_KEY_SEPARATOR, Member, OrgUnit

_PATH_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"  # grassroots.core.tree's digits


def list_key(branch_path: str, employee_number: str) -> str:
    """The key of a record in this branch with this employee number (for tests and
    generators; the database writes it itself)."""
    return f"{branch_path}{LIST_KEY_SEPARATOR}{employee_number}"


def _current_key() -> Concat:
    """SQL for the key of each row of an UPDATE on members."""
    return Concat(
        Subquery(OrgUnit.objects.filter(pk=OuterRef("branch_id")).values("path")[:1]),
        Value(LIST_KEY_SEPARATOR),
        Subquery(accounts.employee_number_of(OuterRef("user_id"))),
    )


def list_keys_refresh(members: QuerySet[Member]) -> int:
    """Rewrite the keys of these records from their branch and employee: one UPDATE."""
    return members.order_by().update(list_key=_current_key())


def list_keys_repair() -> int:
    """Rewrite every key that no longer matches its branch path and employee number;
    the number of records that needed it (0 when the services kept them all)."""
    stale = Member.objects.alias(expected=_current_key()).exclude(list_key=F("expected"))
    return list_keys_refresh(Member.objects.filter(pk__in=stale.values("pk")))


def _successor(path: str) -> str | None:
    """The smallest path of the same length that sorts after every path starting with
    `path` (None when there is none: all "z")."""
    digits = list(path)
    for position in range(len(digits) - 1, -1, -1):
        index = _PATH_ALPHABET.index(digits[position])
        if index + 1 < len(_PATH_ALPHABET):
            digits[position] = _PATH_ALPHABET[index + 1]
            return "".join(digits[: position + 1]) + "0" * (len(digits) - position - 1)
        digits[position] = "0"
    return None


def key_range(paths: Iterable[str]) -> tuple[str, str | None] | None:
    """The keys of all records in these subtrees lie in [low, high) (high None: no
    upper bound); None when there are no subtrees. The bounds are plain letters and
    digits compared with a key's leading path, so they hold in any collation. A hint
    for the index, added to the scope filter, never instead of it."""
    roots = outermost(path for path in paths if path)
    if not roots:
        return None
    low = roots[0]
    high = _successor(roots[-1])
    return low, high
