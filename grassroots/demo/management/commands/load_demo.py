from __future__ import annotations

import io
import json
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.demo.appeals import build_appeals
from grassroots.demo.dues import build_dues
from grassroots.demo.enterprise import DEMO_PASSWORD, build_enterprise
from grassroots.demo.evaluation import build_evaluation
from grassroots.demo.learning import build_learning
from grassroots.demo.openness_consultations import build_consultations
from grassroots.demo.openness_notices import build_notices
from grassroots.demo.orglife import (
    build_activities,
    build_development,
    build_meetings,
    build_talks,
)
from grassroots.demo.plans import build_plans
from grassroots.demo.resources import build_venues
from grassroots.demo.service_commitments import build_commitments, build_pairings
from grassroots.demo.service_deeds import build_deeds
from grassroots.demo.service_posts import build_posts
from grassroots.demo.statistics import build_statistics
from grassroots.learning.tallies import tallies_rebuild


class Command(BaseCommand):
    help = "Load the demo enterprise when the database is empty, and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        if User.objects.exists():
            self.stdout.write("The database already holds data; demo data not loaded.")
            return
        now = timezone.now()  # nothing in the demo happens after this moment
        today = timezone.localdate(now)
        with transaction.atomic():
            demo = build_enterprise(today=today, seed=seed)
            appeals = build_appeals(today=today, seed=seed, now=now)
            meetings = build_meetings(today=today, seed=seed)
            build_development(today=today, seed=seed)
            build_talks(today=today, seed=seed)
            build_activities(today=today, seed=seed)
            build_deeds(today=today, seed=seed, now=now)
            build_posts(today=today, seed=seed)
            build_commitments(today=today, seed=seed)
            build_pairings(today=today, seed=seed)
            # learning and venues before evaluation, which reads them (training hours,
            # the six haves' place)
            # the member login starts with nothing studied (the learning journey)
            build_learning(today=today, seed=seed, keep_unstudied=("30106",))
            build_venues(today=today, seed=seed)
            build_evaluation(today=today, seed=seed)
            build_notices(today=today, seed=seed, now=now)
            build_consultations(
                today=today, seed=seed, keep_out=[login.employee_number for login in demo.logins]
            )
            build_plans(today=today, now=now)
            demo.logins.extend(build_dues(today=today, seed=seed, keep_paid=("30106",)))
            build_statistics(
                today=today, seed=seed, keep_out=[login.employee_number for login in demo.logins]
            )
            # written past the services: the hours tallies counted as the nightly job does
            for year in (today.year - 1, today.year):
                tallies_rebuild(year, today=today)
            # the hot topics of the last months, as the monthly job groups them (by the
            # command: the demo may not import insights)
            call_command("group_topics", months=4, verbosity=0, stdout=io.StringIO())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo enterprise loaded: {len(demo.users)} employees, "
                f"{len(demo.members)} member records, {len(demo.units)} Party organisations, "
                f"{appeals} appeals over the past year, {meetings} meetings over two years."
            )
        )
        lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"] + [
            f"  {login.role:<32} {login.employee_number:<8} {login.name}（{login.note}）"
            for login in demo.logins
        ]
        text = "\n".join(lines) + "\n"
        (settings.DATA_DIR / "demo-logins.txt").write_text(text, encoding="utf-8")
        (settings.DATA_DIR / "demo-logins.json").write_text(
            json.dumps([login.__dict__ for login in demo.logins], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        if options.get("verbosity", 1) > 1:
            self.stdout.write(text)
