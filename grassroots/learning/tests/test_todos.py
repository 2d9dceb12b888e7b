import datetime

from grassroots.accounts.scope import scope_for
from grassroots.learning import services, todos
from grassroots.learning.tests.factories import make_course, make_material

TODAY = datetime.date(2026, 6, 1)


def test_a_course_with_materials_to_study_waits_until_completed(
    world, django_assert_max_num_queries
):
    user = world.member_a.user
    material = make_material(world.branch_a)
    make_course(world.branch_a, [material])
    scope = scope_for(user)
    with django_assert_max_num_queries(3):
        found = todos.todos_for(scope, user, today=TODAY)
    assert [(t.key, t.count) for t in found] == [("learning.courses_to_study", 1)]
    services.study_mark(actor=user, member=world.member_a, material=material, today=TODAY)
    assert todos.todos_for(scope, user, today=TODAY) == []
    # not for someone outside the audience, nor for an employee without a record
    assert todos.todos_for(scope_for(world.member_b.user), world.member_b.user, today=TODAY) == []
    assert todos.todos_for(scope_for(world.employee), world.employee, today=TODAY) == []
