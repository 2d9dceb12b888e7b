"""Contact sync dry run at scale: a fake WeCom directory of N people (100,000 by
default) in 1,000 departments, read over HTTP from the local fake server and compared
with the records (services.sync_plan), timed. The dry run writes only its SyncRun row
(deleted at the end with the connection it made) and two audit entries.

    GRASSROOTS_DATA_DIR=/tmp/bench-data .venv/bin/python bench/contacts_sync.py [--people 100000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from grassroots.integrations.messenger import services  # noqa: E402
from grassroots.integrations.messenger.models import MessengerConfig  # noqa: E402
from grassroots.integrations.messenger.tests.fake_server import FakeMessenger  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--departments", type=int, default=1_000)
    args = parser.parse_args()
    with FakeMessenger("wecom") as fake:
        fake.state.corp_id = "bench-corp"
        fake.state.directory.departments = [
            (str(i), f"部门{i}", "" if i < 12 else str(2 + (i - 2) // 10))
            for i in range(2, args.departments + 2)
        ]
        fake.state.directory.people = [
            {
                "user_id": f"B{n:07d}",
                "name": f"职工{n}",
                "mobile": f"17{n:09d}",
                "department": str(2 + n % args.departments),
            }
            for n in range(args.people)
        ]
        config = services.config_save(
            actor=None,
            config=None,
            secret=fake.state.secret,
            vendor="wecom",
            name="bench",
            corp_id="bench-corp",
            agent_id="1",
            api_base=fake.url,
            department_code_prefix="BENCHWX-",
        )
        try:
            started = time.perf_counter()
            run = services.sync_plan(actor=None, config=config)
            elapsed = time.perf_counter() - started
            counts = services.diff_counts(run.diff)
            print(f"dry run of {args.people:,} people: {elapsed:.1f} s")
            print({k: v for k, v in counts.items() if v})
        finally:
            # the run goes with its connection; the two audit entries stay (the log is kept)
            MessengerConfig.objects.filter(pk=config.pk).delete()


if __name__ == "__main__":
    main()
