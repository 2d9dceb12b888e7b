"""A local stand-in for the WeCom, DingTalk and Feishu servers, started by the tests
(and by bench/contacts_sync.py): the endpoints `providers` calls, with the vendors'
documented answers and error codes for a wrong secret, an expired token, the rate
limit, an unknown user and a bad OAuth code."""

from __future__ import annotations

import itertools
import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# vendor → (expired token, rate limited, user not found, bad code, wrong secret)
ERRORS = {
    "wecom": (42001, 45009, 60111, 40029, 40001),
    "dingtalk": (42001, 90018, 60121, 40078, 40089),
    "feishu": (99991677, 99991400, 41050, 20003, 10014),
}


@dataclass
class FakeDirectory:
    # (id, name, parent id or "")
    departments: list[tuple[str, str, str]] = field(default_factory=list)
    # dicts: user_id, name, mobile, department, active
    people: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FakeState:
    vendor: str
    corp_id: str = "corp-1"
    secret: str = "s3cret"
    directory: FakeDirectory = field(default_factory=FakeDirectory)
    codes: dict[str, str] = field(default_factory=dict)  # OAuth code → user id
    mobiles: dict[str, str] = field(default_factory=dict)  # user id → mobile (sign-in)
    # WeCom: people who sign in but are not members of the enterprise (an openid only)
    outsiders: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)
    expire_tokens: bool = False  # the next call with a token answers "expired"
    rate_limited: int = 0  # this many next calls answer "too many requests"
    sent: list[dict[str, Any]] = field(default_factory=list)
    token_fetches: int = 0
    user_tokens: dict[str, str] = field(default_factory=dict)  # user token → user id
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        state = self.server.state
        parsed = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(parsed.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}") if length else {}
        with self.server.lock:
            answer = _route(state, method, parsed.path, query, body, dict(self.headers))
        raw = json.dumps(answer, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: FakeState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state
        self.lock = threading.Lock()


def _error(state: FakeState, code: int, message: str) -> dict[str, Any]:
    if state.vendor == "feishu":
        return {"code": code, "msg": message}
    return {"errcode": code, "errmsg": message}


def _ok(state: FakeState, **values: Any) -> dict[str, Any]:
    if state.vendor == "feishu":
        return {"code": 0, "msg": "success", **values}
    return {"errcode": 0, "errmsg": "ok", **values}


def _route(
    state: FakeState,
    method: str,
    path: str,
    query: dict[str, str],
    body: dict[str, Any],
    headers: dict[str, str],
) -> dict[str, Any]:
    expired, limited, _missing, _bad_code, wrong_secret = ERRORS[state.vendor]
    if state.vendor == "dingtalk" and path.startswith("/v1.0/"):
        return _ding_new_api(state, method, path, body, headers)
    if state.vendor == "feishu" and path.startswith("/open-apis/authen/"):
        return _feishu_user_sign_in(state, method, path, body, headers)
    # token endpoints
    if path in (
        "/cgi-bin/gettoken",
        "/gettoken",
        "/open-apis/auth/v3/tenant_access_token/internal",
    ):
        corp = query.get("corpid") or query.get("appkey") or body.get("app_id")
        secret = query.get("corpsecret") or query.get("appsecret") or body.get("app_secret")
        if corp != state.corp_id or secret != state.secret:
            return _error(state, wrong_secret, "invalid credential")
        token = f"T{next(state.counter)}"
        state.tokens.add(token)
        state.token_fetches += 1
        if state.vendor == "feishu":
            return _ok(state, tenant_access_token=token, expire=7200)
        return _ok(state, access_token=token, expires_in=7200)
    token = query.get("access_token") or headers.get("Authorization", "").removeprefix("Bearer ")
    if state.expire_tokens:
        state.expire_tokens = False
        state.tokens.clear()
        return _error(state, expired, "access_token expired")
    if token not in state.tokens:
        return _error(state, expired, "invalid access_token")
    if state.rate_limited:
        state.rate_limited -= 1
        return _error(state, limited, "api freq out of limit")
    handler = _ROUTES.get((state.vendor, path))
    if handler is None:
        return _error(state, 404, f"no such endpoint {path}")
    return handler(state, query, body)


def _sign_in(state: FakeState, code: str) -> tuple[str | None, dict[str, Any] | None]:
    user_id = state.codes.pop(code, None)  # a code is good once, as at every vendor
    if user_id is None:
        return None, _error(state, ERRORS[state.vendor][3], "invalid code")
    return user_id, None


def _people(state: FakeState) -> list[dict[str, Any]]:
    return state.directory.people


def _wecom_userinfo(state: FakeState, query: dict[str, str], body: dict[str, Any]) -> Any:
    user_id, error = _sign_in(state, query.get("code", ""))
    if error is None and user_id in state.outsiders:  # documented: openid, no userid
        return _ok(state, openid=f"o-{user_id}")
    return error or _ok(state, userid=user_id)


def _wecom_departments(state: FakeState, query: dict[str, str], body: dict[str, Any]) -> Any:
    return _ok(
        state,
        department=[
            {"id": int(i), "name": n, "parentid": int(p) if p else 0}
            for i, n, p in state.directory.departments
        ],
    )


def _wecom_users(state: FakeState, query: dict[str, str], body: dict[str, Any]) -> Any:
    # As documented today: the department's own members; fetch_child is not honoured.
    within = {query.get("department_id", "1")}
    return _ok(
        state,
        userlist=[
            {
                "userid": p["user_id"],
                "name": p["name"],
                "mobile": p.get("mobile", ""),
                "department": [int(p["department"])] if p.get("department") else [1],
                "main_department": int(p["department"]) if p.get("department") else 1,
                "status": 1 if p.get("active", True) else 5,
            }
            for p in _people(state)
            if (p.get("department") or "1") in within
        ],
    )


def _send(state: FakeState, user_id: str, payload: dict[str, Any]) -> Any:
    if user_id not in {p["user_id"] for p in _people(state)}:
        if state.vendor == "wecom":
            return _ok(state, invaliduser=user_id)
        return _error(state, ERRORS[state.vendor][2], "user not found")
    state.sent.append({"user_id": user_id, **payload})
    return _ok(state, msgid="m1", task_id=1, data={"message_id": "om_1"})


def _wecom_send(state: FakeState, query: dict[str, str], body: dict[str, Any]) -> Any:
    return _send(state, body.get("touser", ""), body)


def _ding_new_api(
    state: FakeState, method: str, path: str, body: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    """api.dingtalk.com: the browser sign-in's user token and "who am I" (its errors are
    {code, message}, not errcode)."""
    if method == "POST" and path == "/v1.0/oauth2/userAccessToken":
        if body.get("clientId") != state.corp_id or body.get("clientSecret") != state.secret:
            return {"code": "invalidClientId", "message": "invalid client"}
        if body.get("grantType") != "authorization_code":
            return {"code": "invalidGrantType", "message": "grantType"}
        user_id = state.codes.pop(str(body.get("code", "")), None)
        if user_id is None:
            return {"code": "invalidAuthCode", "message": "invalid authCode"}
        token = f"U{next(state.counter)}"
        state.user_tokens[token] = user_id
        return {"accessToken": token, "refreshToken": "r", "expireIn": 7200}
    if method == "GET" and path == "/v1.0/contact/users/me":
        lowered = {k.lower(): v for k, v in headers.items()}
        user_id = state.user_tokens.get(lowered.get("x-acs-dingtalk-access-token", ""))
        if user_id is None:
            return {"code": "InvalidAuthentication", "message": "token"}
        return {
            "unionId": f"union-{user_id}",
            "nick": user_id,
            "mobile": state.mobiles.get(user_id, ""),
        }
    return {"code": "NotFound", "message": f"no such endpoint {path}"}


def _ding_by_unionid(state: FakeState, query: dict[str, str], body: dict[str, Any]) -> Any:
    union = str(body.get("unionid", ""))
    if not union.startswith("union-"):
        return _error(state, 60121, "no such user")
    return _ok(state, result={"contact_type": 0, "userid": union.removeprefix("union-")})


def _ding_listsub(state: FakeState, query: dict[str, str], body: dict[str, Any]) -> Any:
    parent = str(body.get("dept_id", "1"))
    return _ok(
        state,
        result=[
            {"dept_id": int(i), "name": n, "parent_id": int(p or 1)}
            for i, n, p in state.directory.departments
            if (p or "1") == parent and i != "1"
        ],
    )


def _ding_users(state: FakeState, query: dict[str, str], body: dict[str, Any]) -> Any:
    department = str(body.get("dept_id"))
    # DingTalk removes leavers from the directory; its `active` says only whether the
    # person has activated the DingTalk app (`activated` here, True unless given).
    everyone = [
        p
        for p in _people(state)
        if str(p.get("department") or "1") == department and p.get("active", True)
    ]
    cursor, size = int(body.get("cursor", 0)), int(body.get("size", 100))
    page = everyone[cursor : cursor + size]
    return _ok(
        state,
        result={
            "has_more": cursor + size < len(everyone),
            "next_cursor": cursor + size,
            "list": [
                {
                    "userid": p["user_id"],
                    "name": p["name"],
                    "mobile": p.get("mobile", ""),
                    "dept_id_list": [int(p.get("department") or 1)],
                    "active": p.get("activated", True),
                }
                for p in page
            ],
        },
    )


def _ding_send(state: FakeState, query: dict[str, str], body: dict[str, Any]) -> Any:
    return _send(state, str(body.get("userid_list", "")), body)


def _feishu_user_sign_in(
    state: FakeState, method: str, path: str, body: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    """authen/v2/oauth/token (the app's id and secret in the body, no Authorization) and
    authen/v1/user_info (the user's token). The retired authen/v1/access_token is not
    spoken."""
    if method == "POST" and path == "/open-apis/authen/v2/oauth/token":
        if any(k.lower() == "authorization" for k in headers):
            return _error(state, 20001, "no Authorization header here")
        if body.get("client_id") != state.corp_id or body.get("client_secret") != state.secret:
            return _error(state, 20002, "invalid client")
        if body.get("grant_type") != "authorization_code" or not body.get("redirect_uri"):
            return _error(state, 20001, "invalid request")
        user_id, error = _sign_in(state, str(body.get("code", "")))
        if error:
            return error
        token = f"U{next(state.counter)}"
        state.user_tokens[token] = user_id or ""
        return {"code": 0, "access_token": token, "expires_in": 7200, "token_type": "Bearer"}
    if method == "GET" and path == "/open-apis/authen/v1/user_info":
        lowered = {k.lower(): v for k, v in headers.items()}
        user_id = state.user_tokens.get(lowered.get("authorization", "").removeprefix("Bearer "))
        if user_id is None:
            return _error(state, 99991668, "invalid user access token")
        return _ok(state, data={"user_id": user_id, "mobile": state.mobiles.get(user_id, "")})
    return _error(state, 404, f"no such endpoint {path}")


def _feishu_page(state: FakeState, items: list[Any], query: dict[str, str]) -> Any:
    start = int(query.get("page_token") or 0)
    size = int(query.get("page_size", 50))
    more = start + size < len(items)
    return _ok(
        state,
        data={
            "items": items[start : start + size],
            "has_more": more,
            "page_token": str(start + size) if more else "",
        },
    )


def _feishu_departments(state: FakeState, query: dict[str, str], body: dict[str, Any]) -> Any:
    items = [
        {"department_id": i, "name": n, "parent_department_id": p or "0"}
        for i, n, p in state.directory.departments
    ]
    return _feishu_page(state, items, query)


def _feishu_users(state: FakeState, query: dict[str, str], body: dict[str, Any]) -> Any:
    department = query.get("department_id", "0")
    items = [
        {
            "user_id": p["user_id"],
            "name": p["name"],
            "mobile": p.get("mobile", ""),
            "department_ids": [p.get("department") or "0"],
            "status": {"is_resigned": not p.get("active", True)},
        }
        for p in _people(state)
        if (p.get("department") or "0") == department
    ]
    return _feishu_page(state, items, query)


def _feishu_send(state: FakeState, query: dict[str, str], body: dict[str, Any]) -> Any:
    return _send(state, str(body.get("receive_id", "")), body)


_ROUTES = {
    ("wecom", "/cgi-bin/auth/getuserinfo"): _wecom_userinfo,
    ("wecom", "/cgi-bin/department/list"): _wecom_departments,
    ("wecom", "/cgi-bin/user/list"): _wecom_users,
    ("wecom", "/cgi-bin/message/send"): _wecom_send,
    ("dingtalk", "/topapi/user/getbyunionid"): _ding_by_unionid,
    ("dingtalk", "/topapi/v2/department/listsub"): _ding_listsub,
    ("dingtalk", "/topapi/v2/user/list"): _ding_users,
    ("dingtalk", "/topapi/message/corpconversation/asyncsend_v2"): _ding_send,
    ("feishu", "/open-apis/contact/v3/departments/0/children"): _feishu_departments,
    ("feishu", "/open-apis/contact/v3/users/find_by_department"): _feishu_users,
    ("feishu", "/open-apis/im/v1/messages"): _feishu_send,
}


class FakeMessenger:
    """`with FakeMessenger("wecom") as fake:` — `fake.url` is its address."""

    def __init__(self, vendor: str) -> None:
        self.state = FakeState(vendor=vendor)
        self._server = _Server(self.state)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeMessenger:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
