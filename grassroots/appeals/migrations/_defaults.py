"""The default appeal categories of RULES.md, each with the default deadlines.

Used by migration 0002 (with the historical models) and by the tests (to restore them
after a transactional test has emptied the tables).
"""

from typing import Any

CATEGORIES = [
    ("conditions", "工作条件与安全生产", "Working conditions and safety", False),
    ("pay", "薪酬福利", "Pay and benefits", False),
    ("living", "生活后勤（食堂、宿舍、通勤）", "Canteen, dormitory and commuting", False),
    ("training", "学习培训与职业发展", "Training and careers", False),
    ("hardship", "困难帮扶", "Help in hardship", False),
    ("accessibility", "无障碍与残疾职工关怀", "Accessibility and care for disabled workers", False),
    ("suggestion", "合理化建议", "Suggestions for improvement", False),
    ("conduct", "作风问题反映", "Conduct of Party members", True),
    ("other", "其他", "Other", False),
]
# working minutes (a working day is 7.5 hours): accept within, answer within
DEADLINES = {"urgent": (120, 450), "normal": (450, 2250), "complex": (450, 6750)}


def create_categories(apps: Any, schema_editor: Any = None) -> None:
    Category = apps.get_model("appeals", "Category")
    CategoryDeadline = apps.get_model("appeals", "CategoryDeadline")
    for position, (code, name, name_en, to_discipline) in enumerate(CATEGORIES):
        category, _ = Category.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "to_discipline": to_discipline, "position": position},
        )
        for urgency, (accept, answer) in DEADLINES.items():
            CategoryDeadline.objects.get_or_create(
                category=category, urgency=urgency, defaults={"accept_minutes": accept, "answer_minutes": answer}
            )
