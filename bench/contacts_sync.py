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
# The fake server listens on plain http on this machine; a real connection must use https.
os.environ.setdefault("GRASSROOTS_MESSENGER_ALLOW_HTTP_LOOPBACK", "1")

import django

django.setup()

from grassroots.integrations.messenger import services  # noqa: E402
from grassroots.integrations.messenger.models import MessengerConfig  # noqa: E402
from grassroots.integrations.messenger.tests.fake_server import FakeMessenger  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--departments", type=int, default=1_000)
    parser.add_argument(
        "--apply",
        action="store_true",
        help="apply the first run (a scratch data folder only: it adds the people), then "
        "time a second dry run against them with 1%% renamed, 1%% moved and 1%% gone",
    )
    args = parser.parse_args()
    with FakeMessenger("wecom") as fake:
        fake.state.corp_id = "bench-corp"
        # one enterprise (1), ten divisions under it, the rest ten to a parent below
        fake.state.directory.departments = [("1", "集团", "")] + [
            (str(i), f"部门{i}", "1" if i < 12 else str(2 + (i - 2) // 10))
            for i in range(2, args.departments + 1)
        ]
        fake.state.directory.people = [
            {
                "user_id": f"B{n:07d}",
                "name": f"职工{n}",
                "mobile": f"17{n:09d}",
                "department": str(1 + n % args.departments),
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
            if args.apply:
                started = time.perf_counter()
                services.sync_apply(actor=None, run=run)
                print(f"applied: {time.perf_counter() - started:.1f} s")
                people = fake.state.directory.people
                for n in range(0, len(people), 100):
                    people[n]["name"] += "（改）"
                for n in range(1, len(people), 100):
                    people[n]["department"] = str(1 + (n + 7) % args.departments)
                del people[2::100]
                started = time.perf_counter()
                again = services.sync_plan(actor=None, config=config)
                elapsed = time.perf_counter() - started
                print(f"dry run against {args.people:,} people on record: {elapsed:.1f} s")
                print({k: v for k, v in services.diff_counts(again.diff).items() if v})
        finally:
            # the run goes with its connection; the two audit entries stay (the log is kept)
            if not args.apply:  # applied: the links stay with the people they made
                MessengerConfig.objects.filter(pk=config.pk).delete()


if __name__ == "__main__":
    main()
