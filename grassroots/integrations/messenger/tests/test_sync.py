"""Contact sync: a dry run (the difference), then all or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from grassroots.accounts.tests.factories import UserFactory
from grassroots.integrations.messenger import services
from grassroots.integrations.messenger.models import MessengerAccount, SyncRun

pytestmark = pytest.mark.django_db


def _people(fake, *people):
    fake.state.directory.people = [
        {"user_id": u, "name": n, "mobile": m, "department": d, "active": a}
        for u, n, m, d, a in people
    ]


def _proposed(number, name, user_id, by, messenger_name):
    """A row of the dry run's "to confirm"."""
    return {
        "number": number,
        "name": name,
        "user_id": user_id,
        "by": by,
        "messenger_name": messenger_name,
    }


def _apply(actor, config):
    run = services.sync_plan(actor=actor, config=config)
    assert run.status == SyncRun.Status.PLANNED, run.errors
    return services.sync_apply(actor=actor, run=run)


def test_a_dry_run_changes_nothing_and_shows_the_difference(fake, connect, world):
    from grassroots.accounts.models import User
    from grassroots.orgs.models import Department

    config = connect(fake)
    fake.state.directory.departments = [("2", "一车间", ""), ("3", "一班", "2")]
    _people(fake, ("E1", "王五", "13700000101", "3", True))
    users, departments = User.objects.count(), Department.objects.count()
    run = services.sync_plan(actor=world.admin, config=config)
    assert [r["code"] for r in run.diff["departments"]["added"]][:2] == [
        config.department_code_prefix + "2",
        config.department_code_prefix + "3",
    ]
    assert run.diff["people"]["added"] == [
        {"number": "E1", "name": "王五", "department": config.department_code_prefix + "3"}
    ]
    assert (User.objects.count(), Department.objects.count()) == (users, departments)


def test_applying_adds_moves_renames_and_deactivates_leavers(wecom, connect, world):
    from grassroots.accounts.models import User

    config = connect(wecom)
    p = config.department_code_prefix
    wecom.state.directory.departments = [
        ("2", "一车间", ""),
        ("3", "一班", "2"),
        ("4", "二班", "2"),
    ]
    _people(
        wecom,
        ("E1", "王五", "13700000001", "3", True),
        ("E2", "赵六", "", "3", True),
    )
    _apply(world.admin, config)
    e1 = User.objects.get(employee_number="E1")
    assert e1.department.code == p + "3" and e1.phone == "13700000001"
    assert MessengerAccount.objects.filter(config=config).count() == 2

    wecom.state.directory.departments = [
        ("2", "一车间", ""),
        ("3", "甲班", "4"),
        ("4", "二班", "2"),
    ]
    _people(wecom, ("E1", "王五一", "13700000001", "4", True), ("E2", "赵六", "", "3", False))
    run = services.sync_plan(actor=world.admin, config=config)
    assert [r["to"] for r in run.diff["departments"]["renamed"]] == ["甲班"]
    assert [r["to"] for r in run.diff["departments"]["moved"]] == [p + "4"]
    assert [r["number"] for r in run.diff["people"]["moved"]] == ["E1"]
    assert [r["number"] for r in run.diff["people"]["renamed"]] == ["E1"]
    assert [r["number"] for r in run.diff["people"]["left"]] == ["E2"]
    services.sync_apply(actor=world.admin, run=run)
    e1.refresh_from_db()
    assert (e1.name, e1.department.code) == ("王五一", p + "4")
    e2 = User.objects.get(employee_number="E2")
    assert e2.is_active is False  # deactivated, still there


def test_a_person_gone_from_the_directory_is_deactivated(wecom, connect, world):
    from grassroots.accounts.models import User

    config = connect(wecom)
    _people(wecom, ("E1", "王五", "", "", True), ("E2", "赵六", "", "", True))
    _apply(world.admin, config)
    _people(wecom, ("E1", "王五", "", "", True))
    _apply(world.admin, config)
    assert User.objects.get(employee_number="E2").is_active is False
    assert User.objects.get(employee_number="E1").is_active is True


def test_a_cycle_in_the_department_tree_is_refused(wecom, connect, world):
    from grassroots.orgs.models import Department

    config = connect(wecom)
    wecom.state.directory.departments = [("2", "甲", "3"), ("3", "乙", "2")]
    run = services.sync_plan(actor=world.admin, config=config)
    assert run.status == SyncRun.Status.REFUSED
    assert any("circle" in e or "循环" in e or "→" in e for e in run.errors)
    with pytest.raises(ValidationError):
        services.sync_apply(actor=world.admin, run=run)
    assert not Department.objects.filter(code__startswith=config.department_code_prefix).exists()


def test_nothing_is_half_applied_when_a_row_is_refused(wecom, connect, world):
    from grassroots.accounts.models import User
    from grassroots.orgs.models import Department

    config = connect(wecom)
    UserFactory(employee_number="OTHER", phone="13700000301")
    wecom.state.directory.departments = [("2", "一车间", "")]
    # E1's mobile belongs to OTHER, whom messenger user "other" is proposed to be (so E1
    # is not): the employee import refuses E1 with OTHER's mobile number
    _people(
        wecom,
        ("E1", "王五", "13700000301", "2", True),
        ("E2", "赵六", "", "2", True),
        ("other", "某人", "", "2", True),
    )
    run = services.sync_plan(actor=world.admin, config=config)
    assert [row["user_id"] for row in run.diff["people"]["to_confirm"]] == ["other"]
    with pytest.raises(ValidationError):
        services.sync_apply(actor=world.admin, run=run)
    assert not Department.objects.filter(code__startswith=config.department_code_prefix).exists()
    assert not User.objects.filter(employee_number__in=["E1", "E2"]).exists()
    run.refresh_from_db()
    assert run.status == SyncRun.Status.PLANNED


def test_a_dry_run_made_stale_by_a_change_is_not_applied(wecom, connect, world):
    from grassroots.accounts.models import User

    config = connect(wecom)
    _people(wecom, ("E1", "王五", "", "", True))
    run = services.sync_plan(actor=world.admin, config=config)
    UserFactory(employee_number="E1", name="王五（手工）")
    with pytest.raises(services.SyncStaleError):
        services.sync_apply(actor=world.admin, run=run)
    assert User.objects.get(employee_number="E1").name == "王五（手工）"
    run.refresh_from_db()
    assert run.status == SyncRun.Status.STALE


def test_a_run_is_applied_once(wecom, connect, world):
    config = connect(wecom)
    _people(wecom, ("E1", "王五", "", "", True))
    run = _apply(world.admin, config)
    with pytest.raises(ValidationError):
        services.sync_apply(actor=world.admin, run=run)


def test_the_sync_sends_nothing_to_the_messenger(wecom, connect, world):
    config = connect(wecom)
    _people(wecom, ("E1", "王五", "", "", True))
    _apply(world.admin, config)
    assert wecom.state.sent == []


def test_messages_reach_only_people_who_chose_them(wecom, connect, world):
    config = connect(wecom)
    _people(wecom, ("E1", "王五", "", "", True))
    _apply(world.admin, config)
    from grassroots.accounts.models import User

    user = User.objects.get(employee_number="E1")
    assert services.message_send(user=user, title="t", body="b", url="") == 0
    services.message_preference_set(user=user, config=config, wanted=True)
    assert services.message_send(user=user, title="新通知", body="b", url="") == 1
    assert wecom.state.sent[0]["textcard"]["title"] == "新通知"


def test_a_notice_reaches_the_app_of_a_person_who_chose_it(wecom, connect, world, settings):
    from grassroots.accounts.models import User
    from grassroots.notifications.models import Delivery
    from grassroots.notifications.services import deliveries_send_due, notify

    settings.GRASSROOTS_MESSENGER_MESSAGES = True
    config = connect(wecom)
    _people(wecom, ("E1", "王五", "", "", True), ("E2", "赵六", "", "", True))
    _apply(world.admin, config)
    e1, e2 = User.objects.get(employee_number="E1"), User.objects.get(employee_number="E2")
    services.message_preference_set(user=e1, config=config, wanted=True)
    _no_quiet_hours(e1)
    kind = "orgs.post"
    notify(recipients=[e1, e2], kind=kind, title="新的诉求", event_key="t:1", url="/appeals/1/")
    notify(recipients=[e1, e2], kind=kind, title="新的诉求", event_key="t:1", url="/appeals/1/")
    apps = Delivery.objects.filter(channel="wecom", recipient__isnull=False)
    assert list(apps.values_list("recipient_id", flat=True)) == [e1.pk]  # once, only E1
    deliveries_send_due()
    assert [m["user_id"] for m in wecom.state.sent] == ["E1"]
    assert wecom.state.sent[0]["textcard"]["url"].endswith("/appeals/1/")
    assert "新的诉求" not in str(wecom.state.sent)  # the link, never the notice's text
    assert apps.get().status == Delivery.Status.SENT


def test_without_the_deployment_switch_no_app_message_is_made(wecom, connect, world):
    from grassroots.accounts.models import User
    from grassroots.notifications.models import Delivery
    from grassroots.notifications.services import notify

    config = connect(wecom)
    _people(wecom, ("E1", "王五", "", "", True))
    _apply(world.admin, config)
    e1 = User.objects.get(employee_number="E1")
    services.message_preference_set(user=e1, config=config, wanted=True)
    notify(recipients=[e1], kind="orgs.post", title="t", event_key="t:2")
    assert not Delivery.objects.filter(channel="wecom").exists()


def test_an_unrelated_person_with_the_same_number_is_not_overwritten(wecom, connect, world):
    config = connect(wecom)
    person = UserFactory(employee_number="ZHANGSAN", name="张三丰")
    wecom.state.directory.departments = [("2", "车间", "")]
    _people(wecom, ("zhangsan", "张三", "13900000005", "2", True))
    run = services.sync_plan(actor=world.admin, config=config)
    assert run.diff["people"]["to_confirm"] == [
        _proposed("ZHANGSAN", "张三丰", "zhangsan", "number", "张三")
    ]
    assert run.diff["people"]["renamed"] == [] and run.diff["people"]["added"] == []
    services.sync_apply(actor=world.admin, run=run)  # not confirmed
    person.refresh_from_db()
    assert (person.name, person.department_id, person.phone) != ("张三", None, "13900000005")
    assert person.name == "张三丰"
    assert not MessengerAccount.objects.filter(user=person).exists()


def test_a_confirmed_person_is_linked_then_updated_by_the_next_sync(wecom, connect, world):
    config = connect(wecom)
    person = UserFactory(employee_number="ZHANGSAN", name="张三丰")
    _people(wecom, ("zhangsan", "张三", "", "", True))
    run = services.sync_plan(actor=world.admin, config=config)
    services.sync_apply(actor=world.admin, run=run, confirmed=["zhangsan"])
    assert MessengerAccount.objects.get(config=config, user=person).external_user_id == "zhangsan"
    person.refresh_from_db()
    assert person.name == "张三丰"  # only linked
    _apply(world.admin, config)
    person.refresh_from_db()
    assert person.name == "张三"


def test_a_person_with_an_employees_mobile_number_is_proposed_not_added(wecom, connect, world):
    from grassroots.accounts.models import User

    config = connect(wecom)
    person = UserFactory(employee_number="40123", name="张三丰", phone="13700000207")
    wecom.state.directory.departments = [("2", "车间", "")]
    # user ids that are names, one of them not even usable as an employee number
    _people(wecom, ("zhangsan", "张三", "13700000207", "2", True), ("李四", "李四", "", "2", True))
    run = services.sync_plan(actor=world.admin, config=config)
    assert run.diff["people"]["to_confirm"] == [
        _proposed("40123", "张三丰", "zhangsan", "mobile", "张三")
    ]
    assert run.diff["people"]["added"] == []
    assert len(run.errors) == 1 and "李四" in run.errors[0]  # not usable as a number

    _people(wecom, ("zhangsan", "张三", "13700000207", "2", True))
    users = User.objects.count()
    _apply(world.admin, config)  # not confirmed: neither linked nor made again
    assert User.objects.count() == users
    assert not MessengerAccount.objects.filter(config=config).exists()

    run = services.sync_plan(actor=world.admin, config=config)
    services.sync_apply(actor=world.admin, run=run, confirmed=["zhangsan"])
    assert MessengerAccount.objects.get(config=config, user=person).external_user_id == "zhangsan"
    _apply(world.admin, config)
    person.refresh_from_db()
    assert (person.employee_number, person.name) == ("40123", "张三")


def test_a_mobile_number_two_directory_people_share_proposes_nobody(wecom, connect, world):
    config = connect(wecom)
    UserFactory(employee_number="40124", phone="13700000208")
    wecom.state.directory.departments = [("2", "车间", "")]
    _people(
        wecom,
        ("zhangsan", "张三", "13700000208", "2", True),
        ("zhangsan2", "张三", "13700000208", "2", True),
    )
    run = services.sync_plan(actor=world.admin, config=config)
    assert run.diff["people"]["to_confirm"] == []
    with pytest.raises(ValidationError):  # the import refuses a mobile number taken
        services.sync_apply(actor=world.admin, run=run)
    assert not MessengerAccount.objects.filter(config=config).exists()


def test_a_mobile_number_shared_with_a_person_matched_by_number_proposes_nobody(
    wecom, connect, world
):
    config = connect(wecom)
    UserFactory(employee_number="40126", name="赵六")
    UserFactory(employee_number="40127", name="钱七", phone="13700000210")
    _people(
        wecom,
        ("40126", "赵六", "13700000210", "", True),  # proposed by number
        ("qianqi", "钱七", "13700000210", "", True),  # the same mobile: not proposed
    )
    run = services.sync_plan(actor=world.admin, config=config)
    assert [row["user_id"] for row in run.diff["people"]["to_confirm"]] == ["40126"]


def test_a_mobile_number_of_someone_who_left_or_is_leaving_proposes_nobody(wecom, connect, world):
    """A number given to someone new after its holder left is not the holder's; nor is
    a person the directory says has left proposed to an employee still working."""
    config = connect(wecom)
    UserFactory(employee_number="40128", name="孙八", phone="13700000211", is_active=False)
    UserFactory(employee_number="40129", name="周九", phone="13700000212")
    _people(
        wecom,
        ("xinren", "新人", "13700000211", "", True),
        ("zhoujiu", "周九", "13700000212", "", False),
    )
    run = services.sync_plan(actor=world.admin, config=config)
    assert run.diff["people"]["to_confirm"] == []
    assert [row["number"] for row in run.diff["people"]["added"]] == ["XINREN"]
    with pytest.raises(ValidationError):  # the import refuses a mobile number on record
        services.sync_apply(actor=world.admin, run=run)


def test_a_number_match_wins_over_a_mobile_match_to_the_same_employee(wecom, connect, world):
    config = connect(wecom)
    UserFactory(employee_number="40125", name="王五", phone="13700000209")
    _people(wecom, ("40125", "王五", "", "", True), ("wangwu", "王五", "13700000209", "", True))
    run = services.sync_plan(actor=world.admin, config=config)
    assert run.diff["people"]["to_confirm"] == [
        _proposed("40125", "王五", "40125", "number", "王五")
    ]


def test_the_administrator_is_never_renamed_moved_or_linked(wecom, connect, world):
    admin = world.admin
    before = (admin.name, admin.department_id, admin.is_active)
    config = connect(wecom)
    wecom.state.directory.departments = [("2", "车间", "")]
    _people(wecom, (admin.employee_number.lower(), "某人", "", "2", True))
    run = services.sync_plan(actor=admin, config=config)
    assert run.diff["people"]["to_confirm"] == []
    assert [r["number"] for r in run.diff["people"]["untouched"]] == [admin.employee_number]
    services.sync_apply(actor=admin, run=run, confirmed=[admin.employee_number.lower()])
    admin.refresh_from_db()
    assert (admin.name, admin.department_id, admin.is_active) == before
    assert not MessengerAccount.objects.filter(user=admin).exists()
    # linked some other way: still never changed nor deactivated
    MessengerAccount.objects.create(config=config, user=admin, external_user_id="boss")
    _people(wecom, ("boss", "某人", "", "2", True))
    _apply(admin, config)
    _people(wecom)
    _apply(admin, config)
    admin.refresh_from_db()
    assert (admin.name, admin.department_id, admin.is_active) == before


def test_a_run_applied_by_another_request_meanwhile_is_not_applied_again(
    wecom, connect, world, monkeypatch
):
    from grassroots.core.models import AuditEntry

    config = connect(wecom)
    _people(wecom, ("E9", "孙七", "", "", True))
    run = services.sync_plan(actor=world.admin, config=config)
    real = services._compare

    def compare(*args, **kwargs):
        result = real(*args, **kwargs)
        monkeypatch.setattr(services, "_compare", real)
        # the other request passes its own check and applies first
        services.sync_apply(actor=world.admin, run=SyncRun.objects.get(pk=run.pk))
        return result

    monkeypatch.setattr(services, "_compare", compare)
    with pytest.raises(ValidationError):
        services.sync_apply(actor=world.admin, run=run)
    assert AuditEntry.objects.filter(action="messenger.sync_apply").count() == 1


def _no_quiet_hours(user):
    import datetime

    from grassroots.notifications.models import NotificationSettings

    NotificationSettings.objects.update_or_create(
        user=user, defaults={"quiet_start": datetime.time(0), "quiet_end": datetime.time(0)}
    )


def _app_person(wecom, connect, world, settings):
    from grassroots.accounts.models import User

    settings.GRASSROOTS_MESSENGER_MESSAGES = True
    config = connect(wecom)
    _people(wecom, ("E1", "王五", "", "", True))
    _apply(world.admin, config)
    user = User.objects.get(employee_number="E1")
    services.message_preference_set(user=user, config=config, wanted=True)
    return user


def test_no_party_data_reaches_the_messenger(wecom, connect, world, settings):
    from grassroots.notifications.models import Delivery
    from grassroots.notifications.services import deliveries_send_due, notify

    user = _app_person(wecom, connect, world, settings)
    title = "Party dues of 王五 unpaid since 2026-01 (6 months)"
    notify(
        recipients=[user],
        kind="orgs.dues_arrears",
        title=title,
        body="党费",
        event_key="d:1",
        urgent=True,
        url="/dues/1/",
    )
    deliveries_send_due()
    assert len(wecom.state.sent) == 1
    assert "王五" not in str(wecom.state.sent) and "党费" not in str(wecom.state.sent)
    assert wecom.state.sent[0]["textcard"]["url"].endswith("/dues/1/")
    row = Delivery.objects.get(channel="wecom", recipient=user)
    assert "王五" not in row.title and row.body == ""


def test_a_kind_switched_off_is_not_sent_to_the_app(wecom, connect, world, settings):
    from grassroots.notifications.models import Delivery, KindPreference
    from grassroots.notifications.services import notify

    user = _app_person(wecom, connect, world, settings)
    KindPreference.objects.create(user=user, kind="orgs.post", channel="wecom", enabled=False)
    KindPreference.objects.create(
        user=user, kind="orgs.dues_arrears", channel="email", enabled=False
    )
    notify(recipients=[user], kind="orgs.post", title="t", event_key="p:1", urgent=True)
    notify(recipients=[user], kind="orgs.dues_arrears", title="t", event_key="d:2", urgent=True)
    assert not Delivery.objects.filter(channel="wecom", recipient=user).exists()


def test_quiet_hours_and_the_digest_hold_app_messages_back(wecom, connect, world, settings):
    import datetime

    from django.utils import timezone

    from grassroots.notifications.models import Delivery, NotificationSettings
    from grassroots.notifications.services import notify

    user = _app_person(wecom, connect, world, settings)
    local = timezone.localtime()
    start = (local - datetime.timedelta(hours=1)).time().replace(microsecond=0)
    end = (local + datetime.timedelta(hours=1)).time().replace(microsecond=0)
    NotificationSettings.objects.update_or_create(
        user=user, defaults={"quiet_start": start, "quiet_end": end}
    )
    notify(recipients=[user], kind="orgs.post", title="t", event_key="p:2")
    row = Delivery.objects.get(channel="wecom", recipient=user)
    assert row.next_attempt_at > timezone.now() + datetime.timedelta(minutes=30)
    NotificationSettings.objects.filter(user=user).update(daily_digest=True)
    notify(recipients=[user], kind="orgs.post", title="t", event_key="p:3")
    assert Delivery.objects.filter(channel="wecom", recipient=user).count() == 1


def test_a_person_who_left_and_came_back_is_listed_and_reactivated(wecom, connect, world):
    from grassroots.accounts.models import User

    config = connect(wecom)
    _people(wecom, ("E1", "王五", "", "", True), ("E2", "赵六", "", "", True))
    _apply(world.admin, config)
    _people(wecom, ("E1", "王五", "", "", True))
    _apply(world.admin, config)
    assert User.objects.get(employee_number="E2").is_active is False
    _people(wecom, ("E1", "王五", "", "", True), ("E2", "赵六", "", "", True))
    run = services.sync_plan(actor=world.admin, config=config)
    assert run.diff["people"]["returning"] == [{"number": "E2", "name": "赵六"}]
    services.sync_apply(actor=world.admin, run=run)
    assert User.objects.get(employee_number="E2").is_active is True


def test_a_directory_read_short_is_applied_only_when_confirmed(wecom, connect, world):
    from grassroots.accounts.models import User

    config = connect(wecom)
    everyone = [(f"E{n}", f"职工{n}", "", "", True) for n in range(10)]
    _people(wecom, *everyone)
    _apply(world.admin, config)
    _people(wecom, *everyone[:4])  # 6 of 10 gone at once
    run = services.sync_plan(actor=world.admin, config=config)
    with pytest.raises(ValidationError):
        services.sync_apply(actor=world.admin, run=run)
    assert User.objects.filter(employee_number__startswith="E", is_active=True).count() == 10
    services.sync_apply(actor=world.admin, run=run, many_left_confirmed=True)
    assert User.objects.filter(employee_number__startswith="E", is_active=True).count() == 4


def test_wecom_people_of_every_department_are_read(wecom, connect):
    from grassroots.integrations.messenger.providers import provider_for

    wecom.state.directory.departments = [("2", "车间", ""), ("3", "班组", "2")]
    _people(wecom, ("A1", "张三", "", "3", True), ("A2", "李四", "", "", True))
    people = provider_for(connect(wecom)).directory().people
    assert sorted((p.user_id, p.department_id) for p in people) == [("A1", "3"), ("A2", "1")]
