"""The password hasher for sign-in: Argon2id at the parameters OWASP recommends for it
(46 MiB, one pass, one lane) rather than argon2-cffi's defaults in Django (100 MiB, two
passes, eight lanes). Equal strength by OWASP's table, at about a quarter of the CPU
and under half the memory per sign-in: every sign-in attempt — an unknown name's too —
holds that memory while it is checked, so the web server's threads × 46 MiB is the
most sign-in can take (docs/benchmarks.md). The algorithm name stays "argon2":
a hash made with other parameters is rehashed with these at its next sign-in."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 46 * 1024  # KiB
    parallelism = 1
