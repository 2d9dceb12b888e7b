"""A local HTTP server that plays a WeCom / DingTalk / Feishu group robot in tests.

It records every request and answers with what the test scripted: "ok" (the
platform's success body), "refuse" (HTTP 200 with an error code), "error" (HTTP 500)
or "slow" (answers after the client has given up).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class RobotReceiver:
    platform: str = "wecom"
    script: list[str] = field(default_factory=list)  # behaviours, used in order; then "ok"
    received: list[Received] = field(default_factory=list)
    slow_seconds: float = 2.0

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                parts = urllib.parse.urlsplit(self.path)
                receiver.received.append(
                    Received(
                        parts.path,
                        urllib.parse.parse_qs(parts.query),
                        dict(self.headers.items()),
                        json.loads(raw or b"{}"),
                    )
                )
                behaviour = receiver.script.pop(0) if receiver.script else "ok"
                if behaviour == "slow":
                    time.sleep(receiver.slow_seconds)
                if behaviour == "error":
                    self.send_response(500)
                    self.end_headers()
                    return
                if behaviour == "refuse":
                    answer: dict[str, Any] = {
                        "errcode": 45009,
                        "errmsg": "freq out of limit",
                        "code": 9499,
                    }
                elif receiver.platform == "feishu":
                    answer = {"code": 0, "msg": "success"}
                else:
                    answer = {"errcode": 0, "errmsg": "ok"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client gave up (the "slow" case)
                    self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=test"

    def __enter__(self) -> RobotReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
