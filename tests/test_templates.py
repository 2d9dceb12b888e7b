"""Guards for the strict Content-Security-Policy: no inline script, style or handlers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(
    path for folder in (ROOT / "templates", ROOT / "grassroots") for path in folder.rglob("*.html")
)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_style_or_event_handlers(path):
    text = path.read_text(encoding="utf-8")
    for match in re.finditer(r"<script\b([^>]*)>", text):
        attributes = match.group(1)
        assert "src=" in attributes or 'type="application/json"' in attributes, (
            f"inline script in {path}"
        )
    assert not re.search(r"\sstyle\s*=", text), f"style attribute in {path}"
    assert "<style" not in text, f"style element in {path}"
    assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {path}"


def test_every_template_is_found():
    assert len(TEMPLATES) > 15
