"""Clean the files of anonymous appeals kept before uploads were cleaned as they are
now (metadata, names): run once after upgrading; running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from grassroots.appeals.services.uploads import anonymous_attachments_clean


class Command(BaseCommand):
    help = "Strip metadata from, and give neutral names to, anonymous appeals' stored files."

    def handle(self, *args: Any, **options: Any) -> None:
        changed, problems = anonymous_attachments_clean()
        for problem in problems:
            self.stderr.write(f"not cleaned: {problem}")
        self.stdout.write(f"{changed} file(s) cleaned, {len(problems)} left as they were.")
