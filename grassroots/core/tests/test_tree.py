from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.core import tree
from grassroots.orgs.models import Department
from grassroots.orgs.tests.factories import DepartmentFactory


@given(st.integers(min_value=1, max_value=36**6 - 1), st.integers(min_value=1, max_value=36**6 - 1))
def test_segments_have_fixed_width_and_keep_the_order_of_keys(a, b):
    sa, sb = tree.path_segment(a), tree.path_segment(b)
    assert len(sa) == len(sb) == tree.SEGMENT_WIDTH
    assert (sa < sb) == (a < b)


def test_a_key_too_large_for_a_segment_is_refused():
    with pytest.raises(ValueError, match="too large"):
        tree.path_segment(36**6)


def test_ancestor_paths_list_every_level_above():
    path = "00000a00000b00000c"
    assert tree.ancestor_paths(path) == ["00000a", "00000a00000b"]


def test_outermost_drops_paths_inside_others():
    assert tree.outermost(["000001000002", "000001", "000003"]) == ["000001", "000003"]


@pytest.mark.django_db
def test_subtree_query_finds_descendants_only():
    # given
    root = DepartmentFactory()
    child = DepartmentFactory(parent=root)
    grandchild = DepartmentFactory(parent=child)
    other = DepartmentFactory()
    # when
    found = set(Department.objects.filter(tree.within(child.path)))
    # then
    assert found == {child, grandchild}
    assert other not in Department.objects.filter(tree.within(root.path))
    assert grandchild.depth == 2


@pytest.mark.django_db
def test_moving_a_node_moves_its_whole_subtree():
    # given
    a = DepartmentFactory()
    b = DepartmentFactory()
    child = DepartmentFactory(parent=a)
    grandchild = DepartmentFactory(parent=child)
    # when
    Department.tree_move(child, b)
    # then
    grandchild.refresh_from_db()
    child.refresh_from_db()
    assert child.parent == b
    assert child.path.startswith(b.path) and grandchild.path.startswith(child.path)
    assert (child.depth, grandchild.depth) == (1, 2)
    assert set(Department.objects.filter(tree.within(a.path))) == {a}


@pytest.mark.django_db
def test_a_node_cannot_move_into_its_own_subtree():
    a = DepartmentFactory()
    child = DepartmentFactory(parent=a)
    with pytest.raises(tree.TreeError):
        Department.tree_move(a, child)


def test_figures_are_summed_for_each_root_over_its_subtree():
    from types import SimpleNamespace

    top = SimpleNamespace(pk=1, path=tree.path_segment(1))
    child = SimpleNamespace(pk=2, path=top.path + tree.path_segment(2))
    apart = SimpleNamespace(pk=3, path=tree.path_segment(3))
    rows = [
        {"unit__path": top.path, "done": 1, "open": None},
        {"unit__path": child.path, "done": 2, "open": 4},
        {"unit__path": child.path + tree.path_segment(9), "done": 3, "open": 0},
        {"unit__path": tree.path_segment(7), "done": 100, "open": 100},  # outside all
    ]
    assert tree.summed_per_subtree([top, child, apart], rows, "unit__path", ("done", "open")) == {
        1: {"done": 6, "open": 4},
        2: {"done": 5, "open": 4},
        3: {"done": 0, "open": 0},
    }
