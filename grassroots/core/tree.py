"""Materialised paths for the two trees (departments, Party organisations).

Each node's `path` is its ancestors' segments followed by its own, one fixed-width
base-36 segment per level built from the primary key. The path never changes unless the
node moves, and a subtree is one indexed prefix query (`path LIKE 'abc%'`; on
PostgreSQL Django adds a varchar_pattern_ops index for it), which keeps subtree queries
flat at 5,000 units and beyond. We chose this over django-treebeard because treebeard's
paths follow sibling order and every insert has to go through its own API; ours only
needs the primary key, so bulk imports can build paths in two statements per level.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Self

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr

from grassroots.core import option_lists

SEGMENT_WIDTH = 6
_ALPHABET = string.digits + string.ascii_lowercase
MAX_DEPTH = 40


class TreeError(ValueError):
    """Raised when a change would break the tree (a cycle, a wrong parent kind)."""


def path_segment(pk: int) -> str:
    """The fixed-width base-36 segment for a primary key."""
    if pk < 0:
        raise ValueError("primary keys are positive")
    digits = []
    value = pk
    while value:
        value, remainder = divmod(value, 36)
        digits.append(_ALPHABET[remainder])
    segment = "".join(reversed(digits)) or "0"
    if len(segment) > SEGMENT_WIDTH:
        raise ValueError(f"primary key {pk} is too large for a path segment")
    return segment.rjust(SEGMENT_WIDTH, "0")


def ancestor_paths(path: str) -> list[str]:
    """Paths of every ancestor of a node, root first, excluding the node itself."""
    return [path[:end] for end in range(SEGMENT_WIDTH, len(path), SEGMENT_WIDTH)]


def parent_path(path: str) -> str:
    """The path of a node's parent ("" for a root)."""
    return path[:-SEGMENT_WIDTH]


def is_within(path: str, root_path: str) -> bool:
    """True when `path` is `root_path` or lies below it."""
    return bool(root_path) and path.startswith(root_path)


def within(root_path: str, field: str = "path") -> Q:
    """A filter for rows whose tree path lies within (or at) `root_path`."""
    return Q(**{f"{field}__startswith": root_path})


def within_any(root_paths: Iterable[str], field: str = "path") -> Q:
    """Rows within any of the given subtrees; no paths gives a filter matching nothing."""
    condition = Q(pk__in=[])
    for root_path in root_paths:
        condition |= within(root_path, field)
    return condition


def outermost(paths: Iterable[str]) -> list[str]:
    """Drop paths that lie inside another path of the list (fewer OR terms)."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(other) for other in kept):
            kept.append(path)
    return kept


class TreeNode(models.Model):
    """Abstract base for a node of a materialised-path tree."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    class Meta:
        abstract = True

    def ancestor_paths(self) -> list[str]:
        return ancestor_paths(self.path)

    def is_within(self, other: TreeNode) -> bool:
        return is_within(self.path, other.path)

    @classmethod
    def tree_insert(cls, node: Self) -> Self:
        """Save a new node and give it its path (two statements)."""
        if node.pk is not None:
            raise TreeError("tree_insert is for new nodes")
        parent = node.parent
        parent_path = parent.path if parent is not None else ""
        node.depth = parent.depth + 1 if parent is not None else 0
        if node.depth >= MAX_DEPTH:
            raise TreeError("the tree is too deep")
        node.save()
        assert node.pk is not None
        node.path = parent_path + path_segment(node.pk)
        node.save(update_fields=["path"])
        return node

    @classmethod
    def tree_fill_paths(cls, nodes: list[Self]) -> None:
        """Give paths to freshly bulk-created nodes whose parents already have paths.

        Callers insert level by level (parents first), so each call is one UPDATE.
        """
        for node in nodes:
            parent = node.parent
            node.depth = parent.depth + 1 if parent is not None else 0
            node.path = (parent.path if parent is not None else "") + path_segment(int(node.pk))
        cls.objects.bulk_update(nodes, ["path", "depth"], batch_size=1000)  # type: ignore[attr-defined]

    @classmethod
    def tree_move(cls, node: Self, new_parent: Self | None) -> None:
        """Move a node (and its subtree) under a new parent in one UPDATE."""
        if new_parent is not None and new_parent.is_within(node):
            raise TreeError("a node cannot move into its own subtree")
        old_path = node.path
        new_prefix = new_parent.path if new_parent is not None else ""
        new_path = new_prefix + path_segment(node.pk)
        depth_change = (new_parent.depth + 1 if new_parent is not None else 0) - node.depth
        cls.objects.filter(path__startswith=old_path).update(  # type: ignore[attr-defined]
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_change,
        )
        cls.objects.filter(pk=node.pk).update(parent=new_parent)  # type: ignore[attr-defined]
        node.refresh_from_db(fields=["path", "depth", "parent"])
        # no signal was sent: what is kept from the paths (people's scopes, option lists)
        option_lists.rows_changed(cls)


def summed_per_subtree(
    roots: Iterable[Any], rows: Iterable[Mapping[str, Any]], field: str, names: Sequence[str]
) -> dict[int, dict[str, int]]:
    """Figures counted per node (each row: the node's path in `field`, a number under
    each of `names`), added up for each of `roots` (nodes with `pk` and `path`) over the
    nodes at or under it. Root id → name → sum; a root with no rows gets zeros."""
    by_path = {root.path: root.pk for root in roots}
    totals = {pk: dict.fromkeys(names, 0) for pk in by_path.values()}
    for row in rows:
        path = row[field]
        for ancestor in [*ancestor_paths(path), path]:
            if ancestor in by_path:
                target = totals[by_path[ancestor]]
                for name in names:
                    target[name] += row[name] or 0
    return totals


def child_path_expression(root_path: str, field: str = "path") -> Substr:
    """SQL expression for the path of the child of `root_path` that a row lies under."""
    return Substr(field, 1, len(root_path) + SEGMENT_WIDTH)


__all__ = [
    "SEGMENT_WIDTH",
    "TreeError",
    "TreeNode",
    "ancestor_paths",
    "child_path_expression",
    "is_within",
    "outermost",
    "parent_path",
    "path_segment",
    "summed_per_subtree",
    "within",
    "within_any",
]
