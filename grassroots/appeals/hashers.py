"""The hasher for anonymous appeals' PINs.

A PIN is six digits, so no hash makes it strong on its own: what protects it is the
limit on wrong tries (appeals.code_tries_per_hour) and the tracking code it pairs with.
PBKDF2 with fewer rounds than sign-in passwords keeps a submission quick (demo data and
busy days alike) while still costing an attacker with a copy of the database.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class PinHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sha256_pin"
    iterations = 100_000
