"""One interface over WeCom, DingTalk and Feishu: the sign-in URL, the OAuth code →
user exchange, the directory and the app message.

Plain HTTP (urllib, as the group robots in notifications use): each vendor needs a
handful of JSON calls, and the vendors' SDKs would bring three dependencies and their
own token caches for less than this module does (docs/architecture.md). Every call
goes through `_call`, which fetches the access token, fetches it again once when the
vendor says it expired, and turns the vendor's error codes into `MessengerError`.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from grassroots.integrations.messenger.models import MessengerConfig, Vendor
from grassroots.integrations.messenger.rules import api_address_allowed
from grassroots.integrations.messenger.secret_box import SecretUnreadableError, unseal

TIMEOUT_SECONDS = 10


def _open_label() -> str:
    """The message's button, in the platform's language (not the sender's request)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Details")


class MessengerError(Exception):
    """A call the vendor refused or that did not reach it. `kind` is one of
    token, expired, rate_limited, not_found, bad_code, network, refused."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail

    @property
    def retryable(self) -> bool:
        return self.kind in {"rate_limited", "network"}


@dataclass(frozen=True)
class DirectoryDepartment:
    id: str
    name: str
    parent_id: str  # "" for the top


@dataclass(frozen=True)
class DirectoryPerson:
    user_id: str
    name: str
    mobile: str = ""
    department_id: str = ""
    active: bool = True


@dataclass(frozen=True)
class SignedInPerson:
    user_id: str
    mobile: str = ""


@dataclass
class Directory:
    departments: list[DirectoryDepartment] = field(default_factory=list)
    people: list[DirectoryPerson] = field(default_factory=list)


class Provider(Protocol):
    def authorize_url(self, *, redirect_uri: str, state: str, in_app: bool) -> str: ...
    def person_for_code(self, code: str, *, redirect_uri: str = "") -> SignedInPerson: ...
    def directory(self) -> Directory: ...
    def send_text(self, *, user_id: str, title: str, body: str, url: str) -> None: ...


# Access tokens per (vendor, corp id, api base): valid ~2 hours at every vendor.
_TOKENS: dict[tuple[str, str, str], tuple[str, float]] = {}
_TOKENS_LOCK = threading.Lock()


def forget_tokens() -> None:
    with _TOKENS_LOCK:
        _TOKENS.clear()


@dataclass(frozen=True)
class TokenRequest:
    """How a vendor hands out the app's access token: the same exchange everywhere, the
    names differ (GET with the credentials in the query, or POST with them as JSON)."""

    method: str
    path: str
    id_name: str
    secret_name: str
    answer_key: str = "access_token"
    lifetime_key: str = "expires_in"


class _Base:
    vendor: ClassVar[str]
    default_base: ClassVar[str]
    token_request: ClassVar[TokenRequest]
    # vendor code → MessengerError kind
    codes: ClassVar[dict[int, str]]
    expired_codes: ClassVar[frozenset[int]]

    def __init__(self, config: MessengerConfig) -> None:
        self.config = config
        self.base = (config.api_base or self.default_base).rstrip("/")

    # --- transport ---------------------------------------------------------------------

    def _http(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        base: str = "",
    ) -> dict[str, Any]:
        url = (base or self.base) + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - the address is the administrator's
            url,
            data=data,
            method=method,
            headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                raw = response.read(50 * 1024 * 1024)
        except urllib.error.HTTPError as error:
            raw = error.read(65536)
            if error.code == 429:
                raise MessengerError("rate_limited", f"HTTP {error.code}") from error
            if not raw.strip().startswith(b"{"):
                raise MessengerError("network", f"HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise MessengerError("network", str(getattr(error, "reason", error))) from error
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            raise MessengerError("refused", "the answer was not JSON") from None
        if not isinstance(answer, dict):
            raise MessengerError("refused", "the answer was not a JSON object")
        return answer

    def _check(self, answer: dict[str, Any]) -> dict[str, Any]:
        code = self._code(answer)
        if code == 0:
            return answer
        kind = "expired" if code in self.expired_codes else self.codes.get(code, "refused")
        raise MessengerError(kind, f"{code} {self._message(answer)}".strip())

    def _code(self, answer: dict[str, Any]) -> int:
        return int(answer.get("errcode", 0) or 0)

    def _message(self, answer: dict[str, Any]) -> str:
        return str(answer.get("errmsg", ""))[:200]

    def _secret(self, *bases: str) -> str:
        """The app secret, only for an address it may be sent to (https)."""
        loopback = bool(settings.GRASSROOTS_MESSENGER_ALLOW_HTTP_LOOPBACK or settings.DEBUG)
        if not all(api_address_allowed(base, http_loopback=loopback) for base in bases):
            raise MessengerError("refused", "the API address does not use https")
        try:
            return unseal(self.config.secret_encrypted)
        except SecretUnreadableError:  # the key changed since it was saved
            raise MessengerError("token", "the stored secret cannot be read") from None

    def _token(self, *, fresh: bool = False) -> str:
        key = (self.vendor, self.config.corp_id, self.base)
        with _TOKENS_LOCK:
            cached = _TOKENS.get(key)
        if cached and not fresh and cached[1] > time.time():
            return cached[0]
        secret = self._secret(self.base)
        token, lifetime = self._fetch_token(secret)
        with _TOKENS_LOCK:
            # a minute's margin: a token about to expire is fetched again
            _TOKENS[key] = (token, time.time() + max(lifetime - 60, 0))
        return token

    def _fetch_token(self, secret: str) -> tuple[str, int]:
        """The app's access token and its lifetime, asked for as `token_request` says."""
        asked = self.token_request
        credentials = {asked.id_name: self.config.corp_id, asked.secret_name: secret}
        in_body = asked.method == "POST"
        answer = self._check(
            self._http(
                asked.method,
                asked.path,
                query=None if in_body else credentials,
                body=credentials if in_body else None,
            )
        )
        token = answer.get(asked.answer_key)
        if not token:
            raise MessengerError("refused", "the answer carried no access token")
        return str(token), int(answer.get(asked.lifetime_key, 7200))

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """A call with the access token; an expired token is fetched again once."""
        for fresh in (False, True):
            try:
                return self._check(self._with_token(self._token(fresh=fresh), method, path, kwargs))
            except MessengerError as error:
                if error.kind != "expired" or fresh:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _with_token(
        self, token: str, method: str, path: str, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        query = {**kwargs.pop("query", {}), "access_token": token}
        return self._http(method, path, query=query, **kwargs)


class WeCom(_Base):
    """企业微信: developer.work.weixin.qq.com/document/path/90664 and neighbours."""

    vendor = Vendor.WECOM
    default_base = "https://qyapi.weixin.qq.com"
    codes: ClassVar[dict[int, str]] = {
        40001: "token",
        40013: "token",
        40029: "bad_code",
        45009: "rate_limited",
        45033: "rate_limited",
        -1: "rate_limited",  # "system busy, retry"
        46004: "not_found",
        60111: "not_found",
        60123: "not_found",
    }
    expired_codes = frozenset({40014, 42001})
    token_request = TokenRequest("GET", "/cgi-bin/gettoken", "corpid", "corpsecret")

    def authorize_url(self, *, redirect_uri: str, state: str, in_app: bool) -> str:
        if in_app:
            query = urllib.parse.urlencode(
                {
                    "appid": self.config.corp_id,
                    "redirect_uri": redirect_uri,
                    "response_type": "code",
                    "scope": "snsapi_base",
                    "state": state,
                    "agentid": self.config.agent_id,
                }
            )
            return f"https://open.weixin.qq.com/connect/oauth2/authorize?{query}#wechat_redirect"
        query = urllib.parse.urlencode(
            {
                "login_type": "CorpApp",
                "appid": self.config.corp_id,
                "agentid": self.config.agent_id,
                "redirect_uri": redirect_uri,
                "state": state,
            }
        )
        return f"https://login.work.weixin.qq.com/wwlogin/sso/login?{query}"

    def person_for_code(self, code: str, *, redirect_uri: str = "") -> SignedInPerson:
        answer = self._call("GET", "/cgi-bin/auth/getuserinfo", query={"code": code})
        user_id = str(answer.get("userid") or answer.get("UserId") or "")
        if not user_id:  # someone outside the enterprise (an openid only)
            raise MessengerError("not_found", "not a member of the enterprise")
        return SignedInPerson(user_id=user_id)

    def directory(self) -> Directory:
        departments = [
            DirectoryDepartment(
                id=str(item["id"]),
                name=str(item.get("name", "")),
                parent_id="" if not item.get("parentid") else str(item["parentid"]),
            )
            for item in self._call("GET", "/cgi-bin/department/list").get("department", [])
        ]
        # Each department read on its own: cgi-bin/user/list no longer documents
        # fetch_child, and a vendor ignoring it would leave out all but the top's people
        # (who would then look as if they had left).
        people: dict[str, DirectoryPerson] = {}
        for department_id in dict.fromkeys(["1", *[d.id for d in departments]]):
            answer = self._call("GET", "/cgi-bin/user/list", query={"department_id": department_id})
            for item in answer.get("userlist", []):
                user_id = str(item["userid"])
                main = item.get("main_department") or (item.get("department") or [""])[0]
                people[user_id] = DirectoryPerson(
                    user_id=user_id,
                    name=str(item.get("name", "")),
                    mobile=str(item.get("mobile", "") or ""),
                    department_id=str(main),
                    # 1 active, 2 disabled, 4 not yet joined, 5 left
                    active=int(item.get("status", 1)) in (1, 4),
                )
        return Directory(departments=departments, people=list(people.values()))

    def send_text(self, *, user_id: str, title: str, body: str, url: str) -> None:
        answer = self._call(
            "POST",
            "/cgi-bin/message/send",
            body={
                "touser": user_id,
                "msgtype": "textcard",
                "agentid": int(self.config.agent_id or 0),
                "textcard": {
                    "title": title,
                    "description": body,
                    "url": url,
                    "btntxt": _open_label(),
                },
            },
        )
        if answer.get("invaliduser"):
            raise MessengerError("not_found", str(answer["invaliduser"]))


class DingTalk(_Base):
    """钉钉: open.dingtalk.com/document/orgapp (the topapi endpoints and oauth2)."""

    vendor = Vendor.DINGTALK
    default_base = "https://oapi.dingtalk.com"
    codes: ClassVar[dict[int, str]] = {
        40089: "token",
        40078: "bad_code",
        90018: "rate_limited",
        60121: "not_found",
        33012: "not_found",
    }
    expired_codes = frozenset({40014, 42001})
    token_request = TokenRequest("GET", "/gettoken", "appkey", "appsecret")

    def _code(self, answer: dict[str, Any]) -> int:
        # errcode 88 is "authentication failed": the reason is in sub_code (an invalid
        # token, no permission for this API, the rate limit…), documented with errcode.
        code = super()._code(answer)
        sub_code = str(answer.get("sub_code", ""))
        return int(sub_code) if code == 88 and sub_code.isdigit() else code

    def authorize_url(self, *, redirect_uri: str, state: str, in_app: bool) -> str:
        # One address for both: inside DingTalk the page consents without a QR code.
        query = urllib.parse.urlencode(
            {
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "client_id": self.config.corp_id,
                "scope": "openid",
                "state": state,
                "prompt": "consent",
            }
        )
        return f"https://login.dingtalk.com/oauth2/auth?{query}"

    # The browser sign-in's user token and "who am I" live on the new API host; an
    # administrator's API address (a private gateway) serves both.
    new_default_base = "https://api.dingtalk.com"

    @property
    def new_base(self) -> str:
        return self.base if self.config.api_base else self.new_default_base

    def person_for_code(self, code: str, *, redirect_uri: str = "") -> SignedInPerson:
        """login.dingtalk.com's authCode → the person's user token (v1.0/oauth2/
        userAccessToken) → their unionId (v1.0/contact/users/me) → their user id in
        this enterprise (topapi/user/getbyunionid, with the app's token)."""
        secret = self._secret(self.new_base)
        answer = self._http(
            "POST",
            "/v1.0/oauth2/userAccessToken",
            base=self.new_base,
            body={
                "clientId": self.config.corp_id,
                "clientSecret": secret,
                "code": code,
                "grantType": "authorization_code",
            },
        )
        user_token = str(answer.get("accessToken") or "")
        if not user_token:
            kind = "token" if "client" in str(answer.get("code", "")).lower() else "bad_code"
            raise MessengerError(kind, str(answer.get("message", ""))[:200])
        me = self._http(
            "GET",
            "/v1.0/contact/users/me",
            base=self.new_base,
            headers={"x-acs-dingtalk-access-token": user_token},
        )
        union_id = str(me.get("unionId") or "")
        if not union_id:
            raise MessengerError("refused", str(me.get("message", ""))[:200])
        result = (
            self._call("POST", "/topapi/user/getbyunionid", body={"unionid": union_id}).get(
                "result"
            )
            or {}
        )
        user_id = str(result.get("userid") or "")
        if not user_id:
            raise MessengerError("not_found", "not a member of the enterprise")
        return SignedInPerson(user_id=user_id, mobile=str(me.get("mobile") or ""))

    def directory(self) -> Directory:
        departments: list[DirectoryDepartment] = []
        queue = ["1"]
        while queue:
            parent = queue.pop()
            answer = self._call("POST", "/topapi/v2/department/listsub", body={"dept_id": parent})
            for item in answer.get("result") or []:
                parent_id = str(item.get("parent_id", parent))
                department = DirectoryDepartment(
                    id=str(item["dept_id"]),
                    name=str(item.get("name", "")),
                    parent_id="" if parent_id == "1" else parent_id,  # 1: the enterprise
                )
                departments.append(department)
                queue.append(department.id)
        people: dict[str, DirectoryPerson] = {}
        for department_id in ["1", *[d.id for d in departments]]:
            for item in self._pages_of_people(department_id):
                user_id = str(item["userid"])
                if user_id in people:
                    continue
                listed = [str(d) for d in item.get("dept_id_list") or [department_id]]
                people[user_id] = DirectoryPerson(
                    user_id=user_id,
                    name=str(item.get("name", "")),
                    mobile=str(item.get("mobile", "") or ""),
                    department_id="" if listed[0] == "1" else listed[0],
                    # DingTalk's `active` means "has activated the app", not employed:
                    # leavers are removed from the directory (absent = left).
                    active=True,
                )
        return Directory(departments=departments, people=list(people.values()))

    def _pages_of_people(self, department_id: str) -> Iterator[dict[str, Any]]:
        cursor = 0
        while True:
            answer = self._call(
                "POST",
                "/topapi/v2/user/list",
                body={"dept_id": int(department_id), "cursor": cursor, "size": 100},
            )
            result = answer.get("result") or {}
            yield from result.get("list") or []
            if not result.get("has_more"):
                return
            cursor = int(result.get("next_cursor", 0))

    def send_text(self, *, user_id: str, title: str, body: str, url: str) -> None:
        self._call(
            "POST",
            "/topapi/message/corpconversation/asyncsend_v2",
            body={
                "agent_id": int(self.config.agent_id or 0),
                "userid_list": user_id,
                "msg": {
                    "msgtype": "action_card",
                    "action_card": {
                        "title": title,
                        "markdown": f"### {title}\n\n{body}",
                        "single_title": _open_label(),
                        "single_url": url,
                    },
                },
            },
        )


class Feishu(_Base):
    """飞书: open.feishu.cn/document (tenant_access_token, contact v3, im v1)."""

    vendor = Vendor.FEISHU
    default_base = "https://open.feishu.cn"
    codes: ClassVar[dict[int, str]] = {
        10003: "token",
        10014: "token",
        20003: "bad_code",
        20007: "bad_code",
        99991400: "rate_limited",
        41050: "not_found",
        230013: "not_found",
    }
    expired_codes = frozenset({99991663, 99991677, 99991661})
    token_request = TokenRequest(
        "POST",
        "/open-apis/auth/v3/tenant_access_token/internal",
        "app_id",
        "app_secret",
        answer_key="tenant_access_token",
        lifetime_key="expire",
    )

    def _code(self, answer: dict[str, Any]) -> int:
        return int(answer.get("code", 0) or 0)

    def _message(self, answer: dict[str, Any]) -> str:
        return str(answer.get("msg", ""))[:200]

    def _with_token(
        self, token: str, method: str, path: str, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {token}"}
        return self._http(method, path, headers=headers, **kwargs)

    def authorize_url(self, *, redirect_uri: str, state: str, in_app: bool) -> str:
        query = urllib.parse.urlencode(
            {
                "client_id": self.config.corp_id,
                "response_type": "code",
                "redirect_uri": redirect_uri,
                # the user id in the answer needs this permission
                "scope": "contact:user.employee_id:readonly",
                "state": state,
            }
        )
        return f"https://accounts.feishu.cn/open-apis/authen/v1/authorize?{query}"

    def person_for_code(self, code: str, *, redirect_uri: str = "") -> SignedInPerson:
        """The code → the person's user_access_token (authen/v2/oauth/token, the app's
        id and secret in the body, no Authorization header) → who they are
        (authen/v1/user_info with that token)."""
        answer = self._check(
            self._http(
                "POST",
                "/open-apis/authen/v2/oauth/token",
                body={
                    "grant_type": "authorization_code",
                    "client_id": self.config.corp_id,
                    "client_secret": self._secret(self.base),
                    "code": code,
                    "redirect_uri": redirect_uri,
                },
            )
        )
        user_token = str(answer.get("access_token") or "")
        if not user_token:
            raise MessengerError("bad_code", "no user access token")
        me = self._check(
            self._http(
                "GET",
                "/open-apis/authen/v1/user_info",
                headers={"Authorization": f"Bearer {user_token}"},
            )
        )
        data = me.get("data") or {}
        user_id = str(data.get("user_id") or "")
        if not user_id:
            raise MessengerError("not_found", "not a member of the enterprise")
        return SignedInPerson(user_id=user_id, mobile=str(data.get("mobile", "") or ""))

    def _pages(self, path: str, query: dict[str, Any]) -> Iterator[dict[str, Any]]:
        token = ""
        while True:
            page_query = {**query, "page_size": 50, **({"page_token": token} if token else {})}
            data = self._call("GET", path, query=page_query).get("data") or {}
            yield from data.get("items") or []
            token = str(data.get("page_token") or "")
            if not data.get("has_more") or not token:
                return

    def directory(self) -> Directory:
        ids = {"department_id_type": "department_id", "user_id_type": "user_id"}
        departments = [
            DirectoryDepartment(
                id=str(item["department_id"]),
                name=str(item.get("name", "")),
                parent_id=""
                if str(item.get("parent_department_id", "0")) == "0"
                else str(item["parent_department_id"]),
            )
            for item in self._pages(
                "/open-apis/contact/v3/departments/0/children", {**ids, "fetch_child": "true"}
            )
        ]
        people: dict[str, DirectoryPerson] = {}
        for department_id in ["0", *[d.id for d in departments]]:
            for item in self._pages(
                "/open-apis/contact/v3/users/find_by_department",
                {**ids, "department_id": department_id},
            ):
                user_id = str(item["user_id"])
                listed = [str(d) for d in item.get("department_ids") or [department_id]]
                status = item.get("status") or {}
                people.setdefault(
                    user_id,
                    DirectoryPerson(
                        user_id=user_id,
                        name=str(item.get("name", "")),
                        mobile=str(item.get("mobile", "") or ""),
                        department_id="" if listed[0] == "0" else listed[0],
                        active=not status.get("is_resigned") and not status.get("is_frozen"),
                    ),
                )
        return Directory(departments=departments, people=list(people.values()))

    def send_text(self, *, user_id: str, title: str, body: str, url: str) -> None:
        text = f"{title}\n{body}\n{url}".strip()
        self._call(
            "POST",
            "/open-apis/im/v1/messages",
            query={"receive_id_type": "user_id"},
            body={
                "receive_id": user_id,
                "msg_type": "text",
                "content": json.dumps({"text": text}, ensure_ascii=False),
            },
        )


PROVIDERS: dict[str, type[_Base]] = {
    Vendor.WECOM: WeCom,
    Vendor.DINGTALK: DingTalk,
    Vendor.FEISHU: Feishu,
}


def provider_for(config: MessengerConfig) -> Provider:
    return PROVIDERS[config.vendor](config)  # type: ignore[return-value]
