from __future__ import annotations

import factory

from grassroots.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    employee_number = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"职工{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.django.Password("correct-horse-battery")
