"""A year of notices (党务公开) for the demo: what the committee and every branch must
publish by the openness catalogue, each for its period, and the notices of events
(development steps, commendations, organisational life, anything else) in between;
several audiences; one development notice in public notice (公示) now, with a named
objection (answered) and an anonymous one (waiting for its answer).

One catalogue item is left overdue on purpose: the first workshop's branch (the demo
branch officer's, 30151) has not published its work summary for the period now due.

Written through the services (files and 公示 included), dated back with `published_at`;
the reads are history, written in bulk with the totals equal to the rows.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from grassroots.accounts.models import User
from grassroots.core import workcalendar
from grassroots.core.periods import QUARTER, YEAR, Period
from grassroots.openness import rules
from grassroots.openness.models import CatalogueItem, Notice, NoticeRead
from grassroots.openness.notices import services
from grassroots.openness.vocabulary import Audience, Frequency, NoticeKind, Timing
from grassroots.orgs.models import Member, OrgPost, OrgUnit
from grassroots.orgs.publicity import services as publicity
from grassroots.orgs.publicity.models import PublicNotice

OVERDUE_BRANCH = "B03"  # 一车间党支部: its work summary is missing
OVERDUE_KIND = NoticeKind.WORK_SUMMARY
DEMO_EMPLOYEE = "40008"
NEW_DAYS = 30


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE)
    )


def _workday_on_or_before(day: datetime.date) -> datetime.date:
    while not workcalendar.is_workday(day):
        day -= datetime.timedelta(days=1)
    return day


def _previous_workday(day: datetime.date) -> datetime.date:
    return _workday_on_or_before(day - datetime.timedelta(days=1))


def _secretary(unit: OrgUnit) -> User:
    post = (
        OrgPost.objects.select_related("member__user")
        .filter(unit=unit, kind=OrgPost.Kind.SECRETARY, ends_on__isnull=True)
        .first()
    )
    if post is None:
        return User.objects.get(employee_number="10034")
    return post.member.user


# --- What the catalogue asks for, written as each organisation would --------------------


def _catalogue_text(
    kind: str, unit: OrgUnit, period: Period, rng: random.Random
) -> tuple[str, str]:
    name, label = unit.name, period.label
    members = rng.randint(12, 40)
    org = "党委" if unit.kind == OrgUnit.Kind.COMMITTEE else "支部"
    if kind == NoticeKind.WORK_PLAN:
        return (
            f"{name}{label}年度工作计划",
            f"{name}{label}年度工作计划\n\n"
            "一、理论学习：每月开展一次集中学习，全年不少于十二次；每季度讲一次党课。\n"
            f"二、组织生活：按时召开{org}委员会会议、党员大会，每月固定开展主题党日。\n"
            f"三、为职工办实事：围绕职工反映集中的问题，全年确定不少于{rng.randint(3, 5)}件实事，"
            "进度在办实事清单上公开。\n"
            "四、发展党员：坚持标准、严格程序，重点在一线职工和残疾职工中培养入党积极分子。\n"
            "五、党风廉政：开展警示教育一次，落实谈心谈话制度。\n\n"
            f"欢迎职工对本计划提出意见建议，可在诉求入口留言或直接联系{org}委员。",
        )
    if kind == NoticeKind.WORK_SUMMARY:
        return (
            f"{name}{label}年度工作总结",
            f"{name}{label}年度工作总结\n\n"
            f"一年来，{org}共召开党员大会{rng.randint(4, 6)}次、委员会会议{rng.randint(11, 14)}次，"
            f"讲党课{rng.randint(4, 5)}次，开展主题党日{rng.randint(11, 12)}次。\n"
            f"办实事清单确定的{rng.randint(3, 5)}件实事已全部完成或按计划推进，"
            "进度和职工评价见办实事清单。\n"
            f"全年受理职工诉求{rng.randint(20, 60)}件，均已答复。\n\n"
            "存在的不足：个别党员参加集中学习不够经常；班组之间帮扶不平衡。"
            "下一年将把学习安排到班前会前后，方便倒班职工参加。",
        )
    if kind == NoticeKind.DUES:
        collected = rng.randint(8_000, 30_000)
        used = rng.randint(collected // 3, collected // 2)
        return (
            f"{name}{label}年度党费收缴和使用情况",
            f"{name}{label}年度党费收缴和使用情况公开如下：\n\n"
            f"一、收缴：应交党费党员{members}名，全年按月足额交纳，共收缴党费{collected:,}元，"
            "已按规定全额上缴。\n"
            f"二、使用：经党委批准，使用党费{used:,}元，用于购买学习资料、"
            f"开展主题党日活动和慰问生活困难党员，开支凭证在{org}存档备查。\n\n"
            f"党员对党费收缴使用有疑问的，可向{org}组织委员询问。",
        )
    if kind == NoticeKind.MEETINGS:
        return (
            f"{name}{label}年度组织生活开展情况",
            f"{name}{label}年度“三会一课”和主题党日开展情况：\n\n"
            f"党员大会{rng.randint(4, 6)}次，{org}委员会会议{rng.randint(12, 14)}次，"
            f"党小组会{rng.randint(12, 24)}次，党课{rng.randint(4, 5)}次，"
            f"主题党日{rng.randint(11, 12)}次；组织生活会和民主评议党员各一次。\n"
            f"党员平均参会率{rng.randint(88, 97)}%，因倒班缺席的均已补学。",
        )
    if kind == NoticeKind.DEEDS:
        return (
            f"{name}{label}年度“我为群众办实事”清单",
            f"{name}{label}年度为职工办实事清单已确定，每件实事的责任人、完成时限和进度"
            "在办实事清单上公开，职工可以关注并在完成后评价是否办到。\n\n"
            "清单根据职工诉求、走访和座谈会意见确定，欢迎继续提出。",
        )
    return (
        f"{name}{label}年度民主评议党员结果",
        f"{name}{label}年度民主评议党员工作已结束。\n\n"
        f"参加评议党员{members}名，评为优秀{rng.randint(3, 6)}名，合格{members - 6}名，"
        f"基本合格及以下的已由{org}书记逐一谈话，提出改进要求。\n\n"
        f"对评议结果有不同意见的，可在十个工作日内向{org}委员会反映。",
    )


def _published_on(
    item: CatalogueItem, period: Period, today: datetime.date, rng: random.Random
) -> datetime.date:
    if item.timing == Timing.WITHIN:
        day = period.first + datetime.timedelta(days=rng.randint(12, min(40, item.grace_days)))
    else:
        day = period.after + datetime.timedelta(days=rng.randint(6, min(25, item.grace_days)))
    return _workday_on_or_before(min(day, today - datetime.timedelta(days=1)))


def _catalogue_periods(item: CatalogueItem, today: datetime.date) -> list[Period]:
    """The periods the catalogue asks this item for: the one due now, and for a notice
    published during its period (a plan) the current one too once it is under way."""
    due = rules.period_due(item.frequency, item.timing, item.grace_days, today=today)
    periods = [due[0]] if due else []
    if item.timing == Timing.WITHIN and item.frequency in (Frequency.YEAR, Frequency.QUARTER):
        current = Period.of(today, YEAR if item.frequency == Frequency.YEAR else QUARTER)
        if current not in periods and today >= current.first + datetime.timedelta(days=20):
            periods.append(current)
    return periods


# --- Notices of events -------------------------------------------------------------------

# (days ago, unit code, kind, audience, title, text)
EVENTS = [
    (
        330,
        "C00",
        NoticeKind.OTHER,
        Audience.PUBLIC,
        "党委开展“助残就业开放日”活动的公告",
        "公司党委定于本月第三个周六举办“助残就业开放日”，欢迎残疾人及家属、社区居民参观"
        "生产车间和无障碍设施，了解岗位和招聘安排。\n\n报名电话见公司门户：https://example.org/open-day",
    ),
    (
        290,
        "C00",
        NoticeKind.COMMENDATION,
        Audience.ENTERPRISE,
        "关于表彰先进基层党组织和优秀共产党员的决定",
        "经各支部推荐、党委会研究，决定表彰先进基层党组织两个、优秀共产党员六名、"
        "优秀党务工作者两名。\n\n希望受表彰的集体和个人珍惜荣誉，继续发挥示范作用。",
    ),
    (
        260,
        "B04",
        NoticeKind.MEETINGS,
        Audience.MEMBERS,
        "二车间党支部召开组织生活会的通知",
        "支部定于下周三下午四点在二车间会议室召开年度组织生活会，开展批评和自我批评。\n"
        "请全体党员提前准备对照检查材料，倒班党员请与党小组长协调时间。",
    ),
    (
        225,
        "B01",
        NoticeKind.OTHER,
        Audience.DEPARTMENTS,
        "机关食堂就餐时间调整的通知",
        "根据职工意见，机关食堂午餐开餐时间由十一点半提前到十一点十五分，"
        "错开车间就餐高峰。\n\n调整后试行一个月，职工意见可通过诉求入口反映。",
    ),
    (
        200,
        "B06",
        NoticeKind.DEVELOPMENT,
        Audience.ENTERPRISE,
        "联合党支部确定发展对象的公示",
        "经支部委员会研究，拟确定两名入党积极分子为发展对象。公示期间，"
        "党员和职工可向支部或党委组织部门反映情况。",
    ),
    (
        170,
        "C00",
        NoticeKind.OTHER,
        Audience.OFFICERS,
        "关于做好党建工作检查准备的通知",
        "党委将于下月对各支部党建工作开展检查，请各支部书记对照检查表"
        "整理会议记录、学习台账和办实事清单进度，检查前一周完成自查。",
    ),
    (
        140,
        "B05",
        NoticeKind.MEETINGS,
        Audience.MEMBERS,
        "三车间党支部主题党日活动安排",
        "本月主题党日走进社区助残服务站，为行动不便的残疾人上门送服务。\n"
        "集合时间：周六上午八点半，厂区东门。",
    ),
    (
        120,
        "B02",
        NoticeKind.DEVELOPMENT,
        Audience.ENTERPRISE,
        "机关第二党支部拟接收预备党员的公示",
        "经支部党员大会讨论，拟接收一名发展对象为预备党员，现予公示，"
        "公示期五个工作日。对公示对象有意见的，请向支部或党委组织部门反映。",
    ),
    (
        95,
        "C00",
        NoticeKind.OTHER,
        Audience.ENTERPRISE,
        "关于开展职工“金点子”征集的通知",
        "为改进生产工艺、改善工作环境，党委和工会联合征集职工“金点子”。\n"
        "采纳的建议将在公司范围内公布并给予奖励。",
    ),
    (
        60,
        "B03",
        NoticeKind.OTHER,
        Audience.DEPARTMENTS,
        "一车间装配线手语服务岗调整的通知",
        "为方便听障职工，手语服务岗由每周三天调整为每个工作日全天。\n"
        "服务岗设在一车间二号门旁，有需要的职工可以直接前往。",
    ),
    (
        40,
        "B04",
        NoticeKind.OTHER,
        Audience.DEPARTMENTS,
        "二车间倒班作息调整的通知",
        "根据班组职工意见，二车间调整倒班作息：早班提前半小时上班，午间延长休息半小时；"
        "调整从下周一起执行，试行一个月后再听取意见。身体不适请立即向班长报告。",
    ),
    (
        21,
        "C00",
        NoticeKind.OTHER,
        Audience.PUBLIC,
        "阳光福利实业有限公司党委关于开通党务公开栏目的公告",
        "为方便职工和社会了解党组织工作，公司党委开通党务公开栏目，"
        "党委和各支部的工作计划、总结、党费收缴使用等按目录定期公开。\n\n"
        "对公开内容有疑问的，可通过公司门户留言：https://example.org/contact",
    ),
    (
        12,
        "B04",
        NoticeKind.MEETINGS,
        Audience.MEMBERS,
        "二车间党支部本月主题党日通知",
        "本月主题党日开展“安全生产我先行”活动，党员带头排查班组安全隐患。\n"
        "时间：本周五下午三点，地点：二车间会议室。",
    ),
    (
        5,
        "C00",
        NoticeKind.OTHER,
        Audience.ENTERPRISE,
        "关于职工年度体检安排的通知",
        "公司职工年度体检将在下月分批进行，各班组按通知时间前往。残疾职工可申请陪同，"
        "请提前向班长登记。",
    ),
    (
        3,
        "B03",
        NoticeKind.MEETINGS,
        Audience.MEMBERS,
        "一车间党支部召开支部党员大会的通知",
        "支部定于下周二下午召开党员大会，议程：讨论接收预备党员、通报下半年工作。\n"
        "请全体党员参加，因倒班不能参加的请提前向支部书记请假。",
    ),
]


# --- Readers --------------------------------------------------------------------------------


def _readers(unit: OrgUnit, audience: str, everyone: list[int]) -> list[int]:
    if audience in (Audience.PUBLIC, Audience.ENTERPRISE):
        return everyone
    units = OrgUnit.objects.filter(Q(pk=unit.pk) | Q(path__startswith=unit.path)).values("pk")
    if audience == Audience.DEPARTMENTS:
        paths = list(unit.departments.values_list("path", flat=True))
        where = Q(pk__in=[])
        for path in paths:
            where |= Q(department__path__startswith=path)
        return list(User.objects.filter(where).values_list("pk", flat=True))
    if audience == Audience.MEMBERS:
        return list(
            Member.objects.filter(
                branch__in=units, stage__in=Member.Stage.party_member_values()
            ).values_list("user_id", flat=True)
        )
    return list(
        OrgPost.objects.filter(unit__in=units, ends_on__isnull=True).values_list(
            "member__user_id", flat=True
        )
    )


def _record_reads(notices: Iterable[Notice], now: datetime.datetime, rng: random.Random) -> None:
    everyone = list(User.objects.filter(is_superuser=False).values_list("pk", flat=True))
    employee = User.objects.filter(employee_number=DEMO_EMPLOYEE).values_list("pk", flat=True)
    demo_employee = employee.first()
    rows: list[NoticeRead] = []
    for notice in notices:
        pool = set(_readers(notice.unit, notice.audience, everyone))
        pool.discard(notice.published_by_id)
        age = (now - notice.published_at).days
        # Older notices were read by more people; few read everything.
        share = min(0.75, 0.12 + age / 120) if age > 2 else 0.08
        if notice.audience == Audience.PUBLIC:
            share *= 0.6
        readers = rng.sample(sorted(pool), k=int(len(pool) * share * rng.uniform(0.7, 1.1)))
        if age < NEW_DAYS:
            # the demo employee has a few notices new for them on the home page
            readers = [pk for pk in readers if pk != demo_employee]
        for pk in readers:
            read_at = notice.published_at + datetime.timedelta(
                minutes=rng.randint(10, max(11, min(age, 20) * 24 * 60))
            )
            rows.append(NoticeRead(notice=notice, user_id=pk, read_at=min(read_at, now)))
        notice.read_count = len(readers)
    NoticeRead.objects.bulk_create(rows, batch_size=2000)
    Notice.objects.bulk_update(list(notices), ["read_count"], batch_size=500)


# --- The whole ------------------------------------------------------------------------------


def build_notices(*, today: datetime.date, seed: int, now: datetime.datetime) -> int:
    rng = random.Random(seed * 15 + 1)
    units = {
        unit.code: unit
        for unit in OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.COMMITTEE, OrgUnit.Kind.BRANCH])
    }
    secretaries = {code: _secretary(unit) for code, unit in units.items()}
    items = {
        kind: list(CatalogueItem.objects.filter(unit_kind=kind, frequency__in=["year", "quarter"]))
        for kind in ("committee", "branch")
    }
    published: list[Notice] = []
    for code in sorted(units):
        unit = units[code]
        for item in items.get(unit.kind, []):
            for period in _catalogue_periods(item, today):
                due = rules.period_due(item.frequency, item.timing, item.grace_days, today=today)
                if (
                    code == OVERDUE_BRANCH
                    and item.notice_kind == OVERDUE_KIND
                    and due is not None
                    and period == due[0]
                ):
                    continue  # the one item the catalogue shows overdue
                title, body = _catalogue_text(item.notice_kind, unit, period, rng)
                day = _published_on(item, period, today, rng)
                published.append(
                    services.notice_publish(
                        actor=secretaries[code],
                        unit=unit,
                        kind=item.notice_kind,
                        title=title,
                        body=body,
                        audience=item.audience,
                        period_key=period.key,
                        published_at=_at(day, rng.randint(9, 16), rng.randint(0, 59)),
                    )
                )
    for days_ago, code, kind, audience, title, body in EVENTS:
        day = _workday_on_or_before(today - datetime.timedelta(days=days_ago))
        published.append(
            services.notice_publish(
                actor=secretaries[code],
                unit=units[code],
                kind=kind,
                title=title,
                body=body,
                audience=audience,
                # a development step's notice ran its 公示 then (closed now)
                publicity_days=5 if kind == NoticeKind.DEVELOPMENT else None,
                published_at=_at(day, rng.randint(9, 16), rng.randint(0, 59)),
            )
        )
    published.append(_running_publicity(units[OVERDUE_BRANCH], today, now))
    _record_reads(published, now, rng)
    return len(published)


def _running_publicity(branch: OrgUnit, today: datetime.date, now: datetime.datetime) -> Notice:
    """The first workshop's branch puts a candidate up for admission: in 公示 now, with
    a named objection it has answered and an anonymous one still to answer."""
    secretary = _secretary(branch)
    candidate = (
        Member.objects.select_related("user")
        .filter(branch=branch, stage=Member.Stage.CANDIDATE)
        .order_by("pk")
        .first()
    )
    name = candidate.user.name if candidate else "王晓燕"
    day = _previous_workday(today)
    notice = services.notice_publish(
        actor=secretary,
        unit=branch,
        kind=NoticeKind.DEVELOPMENT,
        title=f"关于拟接收{name}同志为预备党员的公示",
        body=(
            f"经一车间党支部委员会审查，拟接收{name}同志为中共预备党员，现予公示。\n\n"
            f"{name}，一车间装配班组职工，入党积极分子培养期间按时参加支部学习，"
            "在装配线技改中提出合理化建议三条，结对帮助两名残疾职工掌握新工序。\n\n"
            "公示期间，党员和职工可以对公示对象提出意见，可以署名，也可以匿名。"
        ),
        audience=Audience.ENTERPRISE,
        publicity_days=5,
        published_at=min(now, _at(day, 10, 30)),
    )
    running = PublicNotice.objects.get(subject_kind=services.PUBLICITY_KIND, subject_id=notice.pk)
    lodged_on = max(running.starts_on, min(today, running.ends_on))
    named = publicity.objection_lodge(
        actor=User.objects.get(employee_number=DEMO_EMPLOYEE),
        notice=running,
        text="公示里说“结对帮助两名残疾职工”，具体是哪个班组的？希望说明一下。",
        anonymous=False,
        today=lodged_on,
    )
    publicity.objection_answer(
        actor=secretary,
        objection=named,
        answer="是装配二班的两名听障职工，结对情况记录在支部帮扶台账中，可到支部查阅。",
    )
    colleague = (
        Member.objects.select_related("user")
        .filter(branch=branch, stage=Member.Stage.FULL)
        .exclude(user=secretary)
        .order_by("-pk")
        .first()
    )
    if colleague is not None:
        publicity.objection_lodge(
            actor=colleague.user,
            notice=running,
            text="该同志上个月有两次夜班迟到，是否影响发展？请支部核实。",
            anonymous=True,
            today=lodged_on,
        )
    return notice
