"""Every page and form, rendered in Chinese, shows no untranslated English.

The demo enterprise is loaded, and for each demo role (and an anonymous visitor) every
page reachable by links from the home page and from each page whose URL takes no
argument is fetched with the test client, one page per URL shape. Every POST form found
is then sent back empty and with nonsense in each field, so that its error messages are
read too (Django's own come from its Chinese catalogue). The visible text, the option
labels and the attributes a screen reader speaks (title, aria-label, placeholder, alt)
are searched for English: a Latin word with two or more lower-case letters is English
unless it is on the allow-list below (units, file types, names of the product, of
languages and of outside systems); upper-case codes (SLA, PDF, D10-2), numbers, web and
email addresses, and text in <code>, <kbd>, <pre> or marked lang="en" pass.

The catalogue is checked too: English msgids that mean different things must not share
one Chinese translation where that once misled people (issue 14).
"""

from __future__ import annotations

import gettext
import re
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command
from django.test import Client

from tests.test_hostile_parameters import list_pages

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"

SKIP = ("/accounts/logout", "/admin/", "/api/", "/static/", "/media/", "/i18n/")
PER_PATTERN = 1  # a site-wide crawl per role: one page of each shape keeps it to minutes
MAX_PAGES = 250

# Latin words that are not English to translate: units, file types, names of the product,
# of languages and of outside systems a person needs to recognise.
ALLOWED = {
    *("px", "kb", "mb", "gb", "km", "kg", "ms"),
    *("xlsx", "xls", "csv", "pdf", "docx", "json", "png", "jpg", "jpeg", "zip", "txt"),
    *("grassroots", "english", "excel", "wps", "htmx", "http", "https", "www", "mailto"),
    *("ldap", "oidc", "sso", "wecom", "dingtalk", "webhook"),
    # the names the messengers' own consoles give their settings (WeCom's AgentId and
    # Secret, DingTalk's AppKey), which an administrator copies across
    *("agentid", "appkey", "secret"),
}
ENGLISH_WORD = re.compile(r"(?<![\w@./:#-])[A-Za-z]*[a-z][A-Za-z]*[a-z][A-Za-z]*(?![\w@/-])")
URL = re.compile(r"\b[a-z]+://\S+|\S+@\S+\.\w+")
SPOKEN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description")
IGNORED_ELEMENTS = {"script", "style", "template", "code", "kbd", "samp", "pre"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Text(HTMLParser):
    """The text a person sees or hears on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._ignored: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if (
            tag in IGNORED_ELEMENTS
            or values.get("translate") == "no"
            or (values.get("lang") or "").startswith("en")
        ):
            if tag not in VOID:
                self._ignored.append(tag)
            return
        if self._ignored:
            if tag not in VOID and tag == self._ignored[-1]:
                self._ignored.append(tag)
            return
        for name in SPOKEN_ATTRIBUTES:
            if values.get(name):
                self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self._ignored and tag == self._ignored[-1]:
            self._ignored.pop()

    def handle_data(self, data: str) -> None:
        if not self._ignored and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def english_in(html: str) -> set[str]:
    """Each piece of text that holds an English word, shortened to 80 characters."""
    found = set()
    for text in visible_text(html):
        plain = URL.sub(" ", text)
        words = [w for w in ENGLISH_WORD.findall(plain) if w.lower() not in ALLOWED]
        if words:
            found.add(" ".join(text.split())[:80])
    return found


# --- The crawl ----------------------------------------------------------------------------


def _pattern(path: str) -> str:
    """The URL's shape: ids and opaque references (any segment with a digit) as N."""
    return re.sub(r"[\w-]*\d[\w-]*", "N", path)


def _links(html: str, base: str) -> Iterator[str]:
    for href in re.findall(r'<a\b[^>]*\bhref="([^"#][^"]*)"', html):
        href = href.replace("&amp;", "&")
        absolute = urlparse(urljoin("http://testserver" + base, href))
        if absolute.netloc != "testserver" or absolute.path.startswith(SKIP):
            continue
        if absolute.path.endswith((".xlsx", ".json", ".pdf", ".csv", ".docx", ".zip")):
            continue
        yield absolute.path + ("?" + absolute.query if absolute.query else "")


def _forms(html: str, base: str) -> Iterator[tuple[str, dict[str, str], list[str]]]:
    """Each POST form: its action, its hidden fields and the names of its other fields."""
    for match in re.finditer(r"<form\b([^>]*)>(.*?)</form>", html, re.S):
        attributes, body = match.groups()
        if not re.search(r'method="post"', attributes, re.I):
            continue
        action = re.search(r'action="([^"]*)"', attributes)
        path = urlparse(urljoin("http://testserver" + base, action.group(1) if action else ""))
        if path.path.startswith(SKIP):
            continue
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)"[^>]*?value="([^"]*)"', body))
        names = set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', body))
        yield (
            path.path + ("?" + path.query if path.query else ""),
            hidden,
            sorted(names - set(hidden)),
        )


def crawl(
    client: Client, starts: list[str]
) -> tuple[dict[str, set[str]], list[tuple[str, dict, list[str]]]]:
    """English found on each page reached from the start pages, and the forms seen."""
    seen: set[str] = set()
    per_pattern: dict[str, int] = {}
    queue: deque[str] = deque(starts)
    report: dict[str, set[str]] = {}
    forms: dict[str, tuple[str, dict, list[str]]] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        parsed = urlparse(url)
        pattern = _pattern(parsed.path) + ("?" if parsed.query else "")
        if url in seen or per_pattern.get(pattern, 0) >= PER_PATTERN:
            continue
        seen.add(url)
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        report[url] = english_in(html)
        queue.extend(_links(html, parsed.path))
        for form in _forms(html, parsed.path):
            forms.setdefault(_pattern(form[0]), form)
    return report, list(forms.values())


def send_forms(client: Client, forms: list[tuple[str, dict, list[str]]]) -> dict[str, set[str]]:
    """Each form sent empty, then with nonsense in every field: the errors must be Chinese."""
    report: dict[str, set[str]] = {}
    for action, hidden, names in forms:
        for filler in ("", "x"):
            data = {**hidden, **dict.fromkeys(names, filler)}
            response = client.post(action, data)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                report[f"POST {action} ({filler or 'empty'})"] = english_in(
                    response.content.decode()
                )
    return report


# The home page, then every page whose URL takes no argument (some are linked from
# nowhere a crawl starts, such as the anonymous appeal form).
def start_pages() -> list[str]:
    return ["/", *(path for _name, path in list_pages())]


def _demo_logins(data_dir: Path) -> dict[str, str]:
    """Role → employee number, from the list load_demo writes."""
    logins = {}
    for line in (data_dir / "demo-logins.txt").read_text(encoding="utf-8").splitlines()[1:]:
        match = re.match(r"\s+(.+?)\s{2,}(\S+)\s", line)
        if match:
            logins[match.group(1)] = match.group(2)
    return logins


@pytest.mark.django_db
def test_every_page_and_form_for_every_demo_role_is_in_chinese(settings, tmp_path):
    # given the demo enterprise, each person reading Chinese
    from grassroots.accounts.models import User

    settings.DATA_DIR = tmp_path
    settings.LANGUAGE_CODE = "zh-hans"
    call_command("load_demo", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    logins = _demo_logins(tmp_path)
    assert len(logins) >= 6, logins
    failures: list[str] = []
    for role, number in logins.items():
        user = User.objects.get(employee_number__iexact=number)
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-Hans")
        client.force_login(
            user, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
        )
        # when every page and form they can reach is rendered
        pages, forms = crawl(client, start_pages())
        assert len(pages) >= 4, f"the crawl for {role} reached only {list(pages)}"
        pages |= send_forms(client, forms)
        # then none of them shows English
        for url, texts in pages.items():
            failures += [f"{role}: {url}: {text}" for text in sorted(texts)]
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="zh-Hans")
    pages, forms = crawl(anonymous, start_pages())
    assert "/accounts/login/" in pages
    pages |= send_forms(anonymous, forms)
    for url, texts in pages.items():
        failures += [f"anonymous: {url}: {text}" for text in sorted(texts)]
    unique = sorted(set(failures))
    assert not unique, f"{len(unique)} pieces of English:\n" + "\n".join(unique)


@pytest.mark.parametrize(
    "html",
    [
        "<select><option value=''>- Select an option -</option></select>",
        "<button>Save</button>",
        "<th>Party members</th>",
        "<a href='/' title='Open the list'>打开</a>",
        "<input type='text' placeholder='Search'>",
        "<p>This field is required.</p>",
    ],
)
def test_the_check_catches_english(html):
    assert english_in(html)


@pytest.mark.parametrize(
    "html",
    [
        "<p>部门 D10-2 的 SLA 为 5 个工作日，附件不超过 10 MB（PDF、xlsx）。</p>",
        "<p>基层党群服务平台 Grassroots</p>",
        "<select><option value='en' lang='en'>English</option></select>",
        "<script>const save = 'Save it';</script><style>.a{color:red}</style>",
        "<p>邮箱 someone@example.com，网址 https://example.com/path</p>",
        "<code>manage.py load_demo</code>",
        "<p>共 3 页，第 1 页；API 与 URL 已设置，宽 44px。</p>",
    ],
)
def test_the_check_lets_codes_units_and_names_pass(html):
    assert not english_in(html)


# --- The catalogue ------------------------------------------------------------------------


def _translations() -> dict[tuple[str | None, str], str]:
    """(context, msgid) → Chinese, from the compiled catalogue."""
    with CATALOGUE.open("rb") as file:
        catalogue = gettext.GNUTranslations(file)._catalog  # type: ignore[attr-defined]
    found: dict[tuple[str | None, str], str] = {}
    for key, text in catalogue.items():
        if isinstance(key, tuple):  # a plural form
            key, index = key
            if index:
                continue
        context, _, msgid = key.rpartition("\x04")
        found[(context or None, msgid)] = text
    return found


def test_party_members_as_a_count_and_as_an_audience_are_told_apart():
    catalogue = _translations()
    assert catalogue[("count", "Party members")] == "党员人数"
    assert catalogue[("audience", "Party members")] == "党员"
    # 「党员人数」 names a number: no other English says it for anything but a count
    counts = [key for key, text in catalogue.items() if text == "党员人数"]
    assert all(ctx == "count" or "number" in msgid.lower() for ctx, msgid in counts), counts


def test_a_token_robot_or_organisation_name_is_not_a_persons_name():
    catalogue = _translations()
    assert catalogue[("a thing's name", "Name")] == "名称"
    assert catalogue[(None, "name")] == "名称"
    assert catalogue[(None, "Name")] == "姓名"
    assert catalogue[("a person's name", "name")] == "姓名"


def test_a_service_post_is_not_a_party_post():
    catalogue = _translations()
    assert catalogue[("service post", "Post")] == "服务岗位"
    assert catalogue[(None, "Post")] == "职务"


def test_the_blank_choice_of_a_select_is_chinese():
    catalogue = _translations()
    assert catalogue[("the blank choice of a select", "Choose one")] == "请选择"


def test_the_pages_the_issue_named_use_the_right_words(world, client_for):
    """Issue 14: the blank choice, the activity audience, the token and robot names."""
    from grassroots.accounts.tokens import token_create
    from grassroots.notifications.forms import WebhookForm
    from grassroots.orgs.forms import PostAssignForm
    from grassroots.orgs.models import Member
    from grassroots.service.models import Activity

    # given a person reading Chinese, who has made an API token
    client = client_for(world.officer_a)
    token_create(user=world.officer_a, name="报表同步")
    # when the pages and forms are drawn
    tokens = client.get("/accounts/tokens/").content.decode()
    posts = PostAssignForm(
        unit=world.branch_a, candidates=Member.objects.filter(branch=world.branch_a)
    )
    blank = Activity._meta.get_field("audience").get_choices()[0]
    # then each says what it means
    assert '<th scope="col">名称</th>' in tokens
    assert str(dict(Activity.Audience.choices)["members"]) == "党员"
    assert str(WebhookForm.base_fields["name"].label) == "名称"
    assert str(posts.fields["kind"].label) == "职务"
    assert '<option value="" selected>请选择</option>' in str(posts["member"])
    assert str(blank[1]) == "请选择"
