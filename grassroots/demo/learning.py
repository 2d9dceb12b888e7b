"""A year of learning for the demo: the committee's materials (each with its plain-text
version), courses for all members, for secretaries and committee members and for
activists, a course in two branches; who studied what (some finished, some part way,
some not started) and training elsewhere with certificates. A course for named people
of the member login's branch (the member login among them), of one audio material
uploaded as a file, with a short quiz some of them have answered. With the lectures and
themed days attended (orglife's demo), some members reach their hours and some do not.

Written in bulk, in the rows the services write (history, not news).
"""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from grassroots.learning.models import (
    Course,
    CourseCompletion,
    CourseMaterial,
    ExternalTraining,
    Material,
    NamedLearner,
    QuizAnswer,
    QuizChoice,
    QuizQuestion,
    Study,
)
from grassroots.learning.vocabulary import Audience, MaterialKind
from grassroots.orgs.models import Member, OrgUnit
from grassroots.orgs.vocabulary import MemberStage, MemberStatus, PostKind

# (title, kind, web address, full text, plain-text version)
MATERIALS = [
    (
        "中国共产党章程（总纲）",
        MaterialKind.TEXT,
        "",
        "中国共产党是中国工人阶级的先锋队，同时是中国人民和中华民族的先锋队……",
        "党章是党的根本大法。总纲讲党是什么、为了什么、怎样做。党员要学党章、守党章。",
    ),
    (
        "党的二十大报告学习辅导",
        MaterialKind.LINK,
        "https://www.12371.cn/",
        "",
        "二十大报告讲了今后五年和更长时期的目标任务。要点：高质量发展、以人民为中心、全面从严治党。",
    ),
    (
        "党员的义务和权利",
        MaterialKind.TEXT,
        "",
        "党员必须履行下列义务：认真学习马克思列宁主义……党员享有下列权利：参加党的有关会议……",
        "党员有八项义务，也有八项权利。义务如：学习、带头、守纪律、联系群众。权利如：参加会议、提出建议、申诉。",
    ),
    (
        "支部书记如何上好党课（视频）",
        MaterialKind.VIDEO,
        "https://www.12371.cn/special/dk/",
        "",
        "这段视频讲支部书记怎样准备党课：选一个身边的题目，讲清一个道理，留时间让大家说话。",
    ),
    (
        "“三会一课”制度要点",
        MaterialKind.TEXT,
        "",
        "支部党员大会一般每季度召开一次，支部委员会一般每月召开一次，党小组会一般每月召开一次……",
        "三会是党员大会、支委会、党小组会，一课是党课。大会每季度一次，支委会和小组会每月一次，党课每季度至少一次。",
    ),
    (
        "发展党员工作细则解读",
        MaterialKind.TEXT,
        "",
        "发展党员工作应当贯彻党的基本理论、基本路线、基本方略……",
        "发展党员有五个阶段二十五个步骤。支部书记要按步骤做，每一步都要有记录。",
    ),
    (
        "入党积极分子应当了解的党的基本知识",
        MaterialKind.TEXT,
        "",
        "党的性质、宗旨、指导思想、最高理想和最终目标……",
        "想入党，先要知道党是什么、为谁服务。党的宗旨是全心全意为人民服务。",
    ),
    (
        "劳模工匠讲述：岗位上的初心（音频）",
        MaterialKind.AUDIO,
        "https://www.12371.cn/special/gj/",
        "",
        "一位老工匠讲自己三十年在车间的故事：把每件产品做好，就是在岗位上为人民服务。",
    ),
]

# (title, audience, hours, material numbers, at the committee or at the first branches)
COURSES = [
    ("全体党员：党章和二十大精神", Audience.MEMBERS, "8", [0, 1, 2], "committee"),
    ("支部书记和委员：组织生活规范", Audience.OFFICERS, "16", [3, 4, 5], "committee"),
    ("入党积极分子：党的基本知识", Audience.ACTIVISTS, "4", [6, 0], "committee"),
    ("工匠精神与岗位建功", Audience.EVERYONE, "2", [7, 2], "branch"),
]


def _certificate() -> ContentFile[bytes]:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(out, format="PNG")
    return ContentFile(out.getvalue())


def build_learning(
    *, today: datetime.date, seed: int = 2026, keep_unstudied: tuple[str, ...] = ()
) -> int:
    """Load the demo's learning; returns how many studies were recorded. Those whose
    employee numbers are in `keep_unstudied` have studied nothing yet (the journeys
    start from there)."""
    rng = random.Random(seed + 16)
    committee = (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMITTEE, parent=None).order_by("path").first()
    )
    if committee is None:
        return 0
    branches = list(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, is_active=True).order_by("path")[:2]
    )
    start = today - datetime.timedelta(days=330)
    now = timezone.now()
    materials = []
    for number, (title, kind, url, body, plain) in enumerate(MATERIALS):
        made = timezone.make_aware(
            datetime.datetime.combine(start + datetime.timedelta(days=7 * number), datetime.time(9))
        )
        materials.append(
            Material(
                unit=committee,
                title=title,
                kind=kind,
                url=url,
                body=body,
                plain_text=plain,
                created_at=min(made, now),
            )
        )
    Material.objects.bulk_create(materials)
    courses: list[tuple[Course, list[Material]]] = []
    for title, audience, hours, numbers, where in COURSES:
        for unit in [committee] if where == "committee" else branches:
            course = Course.objects.create(
                unit=unit,
                title=title,
                audience=audience,
                hours=Decimal(hours),
                created_at=min(
                    timezone.make_aware(datetime.datetime.combine(start, datetime.time(10))), now
                ),
            )
            chosen = [materials[n] for n in numbers]
            CourseMaterial.objects.bulk_create(
                [
                    CourseMaterial(course=course, material=m, position=i)
                    for i, m in enumerate(chosen, 1)
                ]
            )
            courses.append((course, chosen))
    members = list(
        Member.objects.filter(status__in=MemberStatus.active_values())
        .select_related("branch", "user")
        .order_by("pk")
    )
    studies: list[Study] = []
    completions: list[CourseCompletion] = []
    days = max(1, (today - start).days)
    for member in members:
        if member.user.employee_number in keep_unstudied:
            continue
        studied: dict[int, datetime.date] = {}
        for course, chosen in courses:
            if not _in_audience(member, course):
                continue
            # about half finish, a quarter are part way, a quarter have not started
            roll = rng.random()
            count = len(chosen) if roll < 0.5 else (1 if roll < 0.75 else 0)
            on = start
            for material in chosen[:count]:
                if material.pk in studied:  # in an earlier course too: studied once
                    on = max(on, studied[material.pk])
                    continue
                on = min(today, on + datetime.timedelta(days=rng.randint(1, days // 4 or 1)))
                studied[material.pk] = on
                studies.append(Study(member=member, material=material, studied_on=on))
            if count == len(chosen) or all(m.pk in studied for m in chosen):
                on = max(studied[m.pk] for m in chosen)
                completions.append(
                    CourseCompletion(
                        member=member, course=course, completed_on=on, hours=course.hours
                    )
                )
    Study.objects.bulk_create(studies)
    CourseCompletion.objects.bulk_create(completions)
    party = [m for m in members if m.stage in MemberStage.party_member_values()]
    for member in rng.sample(party, min(12, len(party))):
        record = ExternalTraining(
            member=member,
            title=rng.choice(["市委党校党员轮训班", "中国干部网络学院专题班", "行业党建培训班"]),
            hours=Decimal(rng.choice([8, 16, 24])),
            taken_on=start + datetime.timedelta(days=rng.randint(0, days)),
            certificate_name="certificate.png",
            content_type="image/png",
            entered_by=member.user,
        )
        record.certificate.save("certificate.png", _certificate(), save=False)
        record.save()
    _named_course_with_quiz(committee, members, start=start, now=now, rng=rng)
    return len(studies)


NAMED_MEMBER = "30106"
QUIZ = [
    (
        "车间里发现安全隐患，党员应当怎么做？",
        ["等别人去报告", "马上报告并提醒身边的工友", "下班以后再说"],
        1,
        "讲话里说：看见隐患，第一时间报告，并提醒身边的人。",
    ),
    (
        "党员在岗位上为人民服务，最先做到的是什么？",
        ["把自己的每件产品做好", "多开会", "多拍照片"],
        0,
        "老工匠说：把每件产品做好，就是在岗位上为人民服务。",
    ),
]


def _wav() -> bytes:
    """A second of quiet tone: a tiny valid WAV file, made here rather than shipped."""
    import math
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(1)
        sound.setframerate(8000)
        sound.writeframes(
            bytes(128 + int(20 * math.sin(2 * math.pi * 440 * n / 8000)) for n in range(8000))
        )
    return out.getvalue()


def _named_course_with_quiz(
    committee: OrgUnit,
    members: list[Member],
    *,
    start: datetime.date,
    now: datetime.datetime,
    rng: random.Random,
) -> None:
    """The member login and six others of their branch are named for a one-material
    course (an audio talk with its plain-text version); the others have studied it and
    answered its quiz, the member login has not (the quiz journey starts there)."""
    login = next((m for m in members if m.user.employee_number == NAMED_MEMBER), None)
    if login is None:
        return
    others = [m for m in members if m.branch_id == login.branch_id and m.pk != login.pk][:6]
    made = min(timezone.make_aware(datetime.datetime.combine(start, datetime.time(8))), now)
    material = Material(
        unit=login.branch,
        title="班前安全讲话（音频）",
        kind=MaterialKind.AUDIO,
        plain_text=(
            "班长在班前会上讲安全：看见隐患，第一时间报告，并提醒身边的人。"
            "党员要带头守规程，把每件产品做好。"
        ),
        file_name="班前安全讲话.wav",
        content_type="audio/wav",
        created_at=made,
    )
    material.file.save("talk.wav", ContentFile(_wav()), save=False)
    material.save()
    course = Course.objects.create(
        unit=login.branch,
        title="新任党小组长岗前学习",
        audience=Audience.NAMED,
        hours=Decimal("2"),
        created_at=made,  # the oldest course: listed last
    )
    CourseMaterial.objects.create(course=course, material=material, position=1)
    NamedLearner.objects.bulk_create(
        [NamedLearner(course=course, member=member) for member in [login, *others]]
    )
    questions = []
    for number, (text, choices, right, explanation) in enumerate(QUIZ, 1):
        question = QuizQuestion.objects.create(
            course=course, position=number, text=text, explanation=explanation, created_at=made
        )
        QuizChoice.objects.bulk_create(
            [
                QuizChoice(question=question, position=n, text=choice, is_right=n == right)
                for n, choice in enumerate(choices)
            ]
        )
        questions.append(question)
    for member in others:
        on = start + datetime.timedelta(days=rng.randint(5, 60))
        Study.objects.get_or_create(member=member, material=material, defaults={"studied_on": on})
        CourseCompletion.objects.create(
            member=member, course=course, completed_on=on, hours=course.hours
        )
        for question in questions:
            offered = list(question.choices.all())
            QuizAnswer.objects.create(
                member=member,
                question=question,
                choice=rng.choice(offered),
                answered_at=min(
                    timezone.make_aware(datetime.datetime.combine(on, datetime.time(20))), now
                ),
            )


def _in_audience(member: Member, course: Course) -> bool:
    if not member.branch.path.startswith(course.unit.path):
        return False
    if course.audience == Audience.EVERYONE:
        return True
    if course.audience == Audience.NAMED:
        return course.named.filter(member=member).exists()
    if course.audience == Audience.MEMBERS:
        return member.stage in MemberStage.party_member_values()
    if course.audience == Audience.ACTIVISTS:
        return member.stage in (MemberStage.ACTIVIST, MemberStage.CANDIDATE)
    if course.audience == Audience.PROBATIONARY:
        return member.stage == MemberStage.PROBATIONARY
    # officers: secretaries and committee members
    return member.posts.filter(ends_on__isnull=True, kind__in=PostKind.committee_values()).exists()
