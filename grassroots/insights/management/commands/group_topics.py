"""Group every committee's hot topics of the last months now (the demo loader calls it;
an operator may too, after importing a backlog of appeals)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from grassroots.insights.topics.services import months_group


class Command(BaseCommand):
    help = "Group every active committee's texts of the last N months (this one included) into hot topics."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--months", type=int, default=1)

    def handle(self, *args: Any, months: int, **options: Any) -> None:
        made = months_group(today=timezone.localdate(), months=months)
        self.stdout.write(f"{made} topic runs made.")
