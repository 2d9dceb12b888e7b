"""Password hashers for sign-in: the cost of one verification, and fourteen people
signing in at once through the real sign-in page.

    # one process, then two in parallel: N verifications of each hasher
    .venv/bin/python bench/hashers.py verify --n 20

    # 14 concurrent sign-ins per hasher, through gunicorn (2 workers x 4 threads, as
    # bin/run) started by the script on --port; the database must be migrated
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench \\
        .venv/bin/python bench/hashers.py signin --people 14 --rounds 5 --port 8080

The hashers are the ones Django ships, at Django's own parameters: PBKDF2-SHA256
(1,500,000 iterations in Django 6.1), Argon2id (argon2-cffi; time cost 2, 100 MiB, 8
lanes) and scrypt (N=2^14, r=8, p=5: 16 MiB). `verify` times --n verifications of one
stored hash (wall and CPU per verification, peak memory of the process), then the same
work split over two processes (the machine's two cores): verifications per second.
`signin` writes --people accounts whose passwords are hashed with the hasher under test,
starts the server preferring that hasher (bench/hasher_settings.py: nothing is rehashed
on sign-in), and --rounds times has every person fetch the sign-in page and post it
at the same moment (one thread each, released together). Timed: the POST alone, to
its redirect; p50 / p95 / max by nearest rank over all rounds; and the CPU the server's
processes spent per sign-in (page and POST; from /proc), which other load on the
machine changes far less than it changes the times.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import math
import multiprocessing
import os
import re
import resource
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 (the bench accounts only)
HASHERS = {
    "pbkdf2_sha256": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "argon2": "django.contrib.auth.hashers.Argon2PasswordHasher",
    "argon2-46MiB": "grassroots.accounts.hashers.Argon2idHasher",
    "scrypt": "django.contrib.auth.hashers.ScryptPasswordHasher",
}


SHOWN = {"iterations", "work factor", "block size", "parallelism", "memory cost", "time cost"}


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# --- verify ---------------------------------------------------------------------------


def _verify_many(args: tuple[str, str, int]) -> tuple[float, float, int]:
    import django

    django.setup()
    from django.utils.module_loading import import_string

    path, encoded, n = args
    hasher = import_string(path)()
    assert hasher.verify(PASSWORD, encoded)  # warm up, outside the timing
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(n):
        assert hasher.verify(PASSWORD, encoded)
    return (
        time.perf_counter() - started,
        time.process_time() - cpu_started,
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    )


def verify(n: int) -> None:
    import django

    django.setup()
    from django.utils import translation
    from django.utils.module_loading import import_string

    print(f"{n} verifications each; load average before: {os.getloadavg()[0]:.1f}")
    print(
        "hasher         | parameters                           | wall ms | CPU ms | peak MiB | 2 procs /s"
    )
    for name, path in HASHERS.items():
        hasher = import_string(path)()
        encoded = hasher.encode(PASSWORD, hasher.salt())
        with translation.override("en"):
            summary = hasher.safe_summary(encoded)
        parameters = ",".join(
            f"{key.split()[0]}={value}" for key, value in summary.items() if key in SHOWN
        )
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(1) as pool:
            wall, cpu, peak_kib = pool.apply(_verify_many, ((path, encoded, n),))
        with ctx.Pool(2) as pool:
            halves = pool.map(_verify_many, [(path, encoded, n // 2), (path, encoded, n - n // 2)])
            parallel = n / max(half[0] for half in halves)
        print(
            f"{name:<14} | {parameters:<36} | {wall / n * 1000:7.0f} | {cpu / n * 1000:6.0f} "
            f"| {peak_kib / 1024:8.0f} | {parallel:10.1f}"
        )


# --- signin ---------------------------------------------------------------------------


def _accounts(algorithm: str, people: int) -> list[str]:
    """People BH-<algorithm>-<n>, their password hashed with the hasher under test."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    from grassroots.accounts.models import User

    numbers = [f"BH-{algorithm[:6].upper()}-{n:03d}" for n in range(people)]
    encoded = make_password(PASSWORD, hasher=algorithm)
    for number in numbers:
        User.objects.update_or_create(
            employee_number=number,
            defaults={"name": f"测{number}", "password": encoded, "is_active": True},
        )
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    return numbers


def _server_cpu_seconds(master: int) -> float:
    """User + system CPU of the server's worker processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # the parent's pid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own server)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _sign_in(base: str, number: str, gate: threading.Barrier, out: list[float]) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    page = opener.open(f"{base}/accounts/login/", timeout=120).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": number, "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (our own server)
        f"{base}/accounts/login/", data=body, headers={"Referer": f"{base}/accounts/login/"}
    )
    gate.wait()
    started = time.perf_counter()
    try:
        opener.open(request, timeout=300)
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    elapsed = time.perf_counter() - started
    if status != 302:
        raise SystemExit(f"{number}: the sign-in answered {status}, not a redirect")
    out.append(elapsed)


def signin(people: int, rounds: int, port: int, only: list[str]) -> None:
    base = f"http://127.0.0.1:{port}"
    print(f"{people} people at once, {rounds} rounds; gunicorn 2 workers x 4 threads")
    print(
        "hasher         |  p50 s |  p95 s |  max s | sign-ins/s | server CPU s each | load before"
    )
    for name in only:
        numbers = _accounts(name, people)
        environment = os.environ | {
            "DJANGO_SETTINGS_MODULE": "bench.hasher_settings",
            "BENCH_PREFERRED_HASHER": HASHERS[name],
            "DJANGO_DEBUG": "0",
        }
        server = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "config.wsgi:application",
                "--chdir",
                str(ROOT),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            env=environment,
        )
        try:
            _wait_for(f"{base}/accounts/login/")
            load = os.getloadavg()[0]
            cpu_before = _server_cpu_seconds(server.pid)
            times: list[float] = []
            started = time.perf_counter()
            for _ in range(rounds):
                gate = threading.Barrier(people)
                threads = [
                    threading.Thread(target=_sign_in, args=(base, number, gate, times))
                    for number in numbers
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
            total = time.perf_counter() - started
            # each person also fetched the sign-in page first (not timed, small)
            cpu = (_server_cpu_seconds(server.pid) - cpu_before) / (people * rounds)
        finally:
            server.terminate()
            server.wait(timeout=30)
        if len(times) != people * rounds:
            raise SystemExit(f"{name}: {people * rounds - len(times)} sign-ins failed")
        print(
            f"{name:<14} | {nearest_rank(times, 0.5):6.2f} | {nearest_rank(times, 0.95):6.2f} "
            f"| {max(times):6.2f} | {len(times) / total:10.2f} | {cpu:17.2f} | {load:.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("verify")
    one.add_argument("--n", type=int, default=20)
    many = commands.add_parser("signin")
    many.add_argument("--people", type=int, default=14)
    many.add_argument("--rounds", type=int, default=5)
    many.add_argument("--port", type=int, default=8080)
    many.add_argument("--only", nargs="*", choices=list(HASHERS), default=list(HASHERS))
    options = parser.parse_args()
    if options.command == "verify":
        verify(options.n)
    else:
        signin(options.people, options.rounds, options.port, options.only)


if __name__ == "__main__":
    main()
