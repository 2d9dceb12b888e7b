from typing import Any

app_name = "plans"

urlpatterns: list[Any] = []
