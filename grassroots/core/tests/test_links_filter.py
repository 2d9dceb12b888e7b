"""The `links` filter: plain text escaped, its web addresses made links, also where
Chinese punctuation stands right against them."""

from __future__ import annotations

from grassroots.core.templatetags.core_tags import links


def test_an_address_after_a_chinese_colon_becomes_a_link() -> None:
    html = links("可通过公司门户留言：https://example.org/contact。谢谢")
    assert html == (
        '可通过公司门户留言：<a href="https://example.org/contact" rel="nofollow noopener">'
        "https://example.org/contact</a>。谢谢"
    )


def test_script_and_quotes_are_escaped_in_the_text_and_the_link() -> None:
    html = links('<script>alert(1)</script> http://a.example/?q=1&x="y" 完')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="http://a.example/?q=1&amp;x=' in html
    assert '"y"' not in html


def test_trailing_punctuation_stays_outside_and_other_schemes_are_text() -> None:
    html = links("See https://example.org/a. And javascript:alert(1)")
    assert '<a href="https://example.org/a"' in html
    assert "/a</a>. And javascript:alert(1)" in html
    assert 'href="javascript' not in html
