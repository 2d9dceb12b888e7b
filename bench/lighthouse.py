"""Page weight and first paint of the employee's pages on a phone, with Lighthouse.

Lighthouse (from npm, pinned) runs in Debian's Chromium with its default mobile form
factor and simulated throttling (slow 4G, 4× CPU slowdown) against the product served
the production way: gunicorn, DJANGO_DEBUG=0, collected static files (WhiteNoise), the
demo enterprise loaded into a data folder of its own (--https: over TLS with a
self-signed certificate, as behind the proxy). The benchmark signs in over HTTP(S)
as the demo employee (40008) and hands Lighthouse the session cookie with
--extra-headers. Each page is audited --runs times; the table reports the median.

    .venv/bin/python bench/lighthouse.py [--runs 3] [--port 8141] [--https] [--out FILE]

Lighthouse is installed for the benchmark only, outside the product's package.json:
`npm install --prefix $LIGHTHOUSE_DIR lighthouse@$LIGHTHOUSE_VERSION` (default
/tmp/grassroots-lighthouse, 12.8.2 — the newest release that runs on Node 20). The data
folder is $LIGHTHOUSE_DIR/data unless --data-dir is given (SQLite; DATABASE_URL is
ignored so that the demo never lands in another database). CHROME_PATH picks the browser
(default /usr/bin/chromium). Each run's JSON report is kept in $LIGHTHOUSE_DIR/reports.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shlex
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = Path(
    os.environ.get("LIGHTHOUSE_DIR", Path(tempfile.gettempdir()) / "grassroots-lighthouse")
)
LIGHTHOUSE_VERSION = os.environ.get("LIGHTHOUSE_VERSION", "12.8.2")
CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
EMPLOYEE = "40008"
PASSWORD = "grassroots-demo"  # noqa: S105 - the demo logins' published password
# Lighthouse's resource-summary types, in the order the weight table lists them.
KINDS = ["document", "stylesheet", "script", "font", "image", "other"]


def say(text: str) -> None:
    print(f"· {text}", file=sys.stderr, flush=True)


def ensure_lighthouse() -> Path:
    cli = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
    package = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json"
    if package.exists() and json.loads(package.read_text())["version"] == LIGHTHOUSE_VERSION:
        return cli
    say(f"Installing lighthouse@{LIGHTHOUSE_VERSION} into {LIGHTHOUSE_DIR}")
    LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--prefix", str(LIGHTHOUSE_DIR), "--no-audit", "--no-fund",
         f"lighthouse@{LIGHTHOUSE_VERSION}"],
        check=True,
    )  # fmt: skip
    return cli


def product_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        GRASSROOTS_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_DEBUG="0",
    )
    return env


def prepare(data_dir: Path) -> None:
    """The steps bin/run takes before serving: migrate, collectstatic, load_demo."""
    env = product_env(data_dir)
    python = str(ROOT / ".venv" / "bin" / "python")
    for step in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["load_demo"],
    ):
        say("manage.py " + " ".join(step))
        subprocess.run([python, "manage.py", *step], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip


def connect(port: int, https: bool, timeout: float) -> http.client.HTTPConnection:
    if https:
        context = ssl._create_unverified_context()  # noqa: S323 - our own self-signed certificate
        return http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=context)
    return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)


def certificate() -> list[str]:
    """A self-signed certificate for 127.0.0.1, so that the page loads over TLS as in production."""
    cert, key = LIGHTHOUSE_DIR / "tls" / "cert.pem", LIGHTHOUSE_DIR / "tls" / "key.pem"
    if not cert.exists():
        cert.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
    return ["--certfile", str(cert), "--keyfile", str(key)]


def start_gunicorn(data_dir: Path, port: int, https: bool) -> subprocess.Popen[bytes]:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
        "--error-logfile", "-", "--log-level", "warning",
        *(certificate() if https else []),
    ]  # fmt: skip
    say(shlex.join(command))
    server = subprocess.Popen(command, cwd=ROOT, env=product_env(data_dir))
    for _ in range(100):
        try:
            connect(port, https, timeout=1).request("GET", "/healthz/live")
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port}")


class Browser:
    """Just enough of a client to sign in and read a page."""

    def __init__(self, port: int, https: bool) -> None:
        self.port = port
        self.https = https
        self.origin = f"{'https' if https else 'http'}://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        connection = connect(self.port, self.https, timeout=30)
        headers = {"Cookie": self.cookie_header(), "Referer": f"{self.origin}{path}"}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, data, headers)
        response = connection.getresponse()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        text = response.read().decode("utf-8", "replace")
        return response.status, response.getheader("Location") or "", text

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def sign_in(self) -> None:
        _, _, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not token:
            raise SystemExit("No CSRF token on the sign-in page")
        status, _, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": EMPLOYEE, "password": PASSWORD},
        )
        if status != 302:
            raise SystemExit(f"Signing in as {EMPLOYEE} failed (HTTP {status})")

    def first_appeal(self) -> str:
        """The path of the first appeal on the employee's list, whatever its id looks like."""
        status, _, page = self.request("GET", "/appeals/mine/")
        match = re.search(r'href="(/appeals/mine/(?!new/)[^"/?#]+/)"', page)
        if status != 200 or not match:
            raise SystemExit("No appeal found on /appeals/mine/ for the demo employee")
        return match.group(1)


def lighthouse(cli: Path, url: str, cookie: str, report: Path) -> dict[str, Any]:
    command = [
        "node", str(cli), url,
        "--quiet", "--output=json", f"--output-path={report}",
        "--only-categories=performance",
        # --ignore-certificate-errors: the self-signed certificate of --https
        "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage "
        "--ignore-certificate-errors",
        "--extra-headers", json.dumps({"Cookie": cookie}),
    ]  # fmt: skip
    # Lighthouse now and then fails to record a trace on a busy machine (NO_NAVSTART,
    # NO_FCP): such a run has no figures, and is made again (at most twice).
    for attempt in range(3):
        done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROME_PATH})
        if done.returncode == 0:
            return json.loads(report.read_text())
        say(f"Lighthouse failed (exit {done.returncode}), attempt {attempt + 1} of 3")
    raise SystemExit(f"Lighthouse failed three times on {url}")


def figures(result: dict[str, Any]) -> dict[str, Any]:
    audits = result["audits"]
    if result.get("runtimeError"):
        raise SystemExit(f"Lighthouse: {result['runtimeError']}")
    final = result.get("finalDisplayedUrl") or result.get("finalUrl", "")
    if "/accounts/login/" in final:
        raise SystemExit("Lighthouse landed on the sign-in page: the session was not accepted")
    weight = {
        item["resourceType"]: (item["transferSize"], item["requestCount"])
        for item in audits["resource-summary"]["details"]["items"]
    }
    blocking = [
        (item["url"], item.get("totalBytes", 0), item.get("wastedMs", 0))
        for item in (audits["render-blocking-resources"].get("details") or {}).get("items", [])
    ]
    requests = [
        (item["url"], item.get("resourceType", ""), item.get("transferSize", 0),
         item.get("resourceSize", 0))
        for item in audits["network-requests"]["details"]["items"]
    ]  # fmt: skip
    return {
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "score": result["categories"]["performance"]["score"],
        "total": audits["total-byte-weight"]["numericValue"],
        "weight": weight,
        "blocking": blocking,
        "requests": requests,
        "benchmark": result["environment"]["benchmarkIndex"],
        "unused_css": audits["unused-css-rules"].get("details", {}).get("overallSavingsBytes", 0),
        "uncompressed": audits["uses-text-compression"]
        .get("details", {})
        .get("overallSavingsBytes", 0),
        "server_ms": audits["server-response-time"]["numericValue"],
        "lcp_element": next(
            (
                item["node"].get("selector", "")
                for block in audits["largest-contentful-paint-element"]
                .get("details", {})
                .get("items", [])
                for item in block.get("items", [])
                if "node" in item
            ),
            "",
        ),
    }


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run whose FCP is the median one, and the median of each figure."""
    middle = sorted(runs, key=lambda run: run["fcp"])[len(runs) // 2]
    return {
        **middle,
        **{
            key: statistics.median(run[key] for run in runs)
            for key in ("fcp", "lcp", "tbt", "score", "total")
        },
    }


def kb(size: float) -> str:
    return f"{size / 1024:.1f}"


def table(pages: dict[str, dict[str, Any]], runs: int) -> str:
    lines = [
        "| page | FCP (< 1.8 s) | LCP (< 2.5 s) | transfer KB (< 300) | TBT ms | perf. score | "
        + " | ".join(f"{kind} KB (requests)" for kind in KINDS)
        + " |",
        "|---|--:|--:|--:|--:|--:|" + "--:|" * len(KINDS),
    ]
    for page, result in pages.items():
        kinds = []
        for kind in KINDS:
            size, count = result["weight"].get(kind, (0, 0))
            kinds.append(f"{kb(size)} ({count})" if count else "–")
        lines.append(
            f"| `{page}` | {result['fcp'] / 1000:.2f} s | {result['lcp'] / 1000:.2f} s | "
            f"{kb(result['total'])} | {result['tbt']:.0f} | {result['score'] * 100:.0f} | "
            + " | ".join(kinds)
            + " |"
        )
    lines.append("")
    lines.append(
        f"Median of {runs} runs per page (FCP, LCP, transfer, TBT, score each the median; "
        "the breakdown by type is the run with the median FCP). KB = 1,024 bytes "
        "transferred (compressed where the server compressed)."
    )
    return "\n".join(lines)


def details(pages: dict[str, dict[str, Any]]) -> str:
    lines = ["", "Requests of the median run (transfer / decoded size, KB):", ""]
    for page, result in pages.items():
        lines.append(f"- `{page}`:")
        for url, kind, transfer, size in result["requests"]:
            path = urllib.parse.urlsplit(url).path
            lines.append(f"  - {kind} `{path}` {kb(transfer)} / {kb(size)}")
        for url, size, wasted in result["blocking"]:
            path = urllib.parse.urlsplit(url).path
            lines.append(f"  - render-blocking: `{path}` ({kb(size)} KB, est. {wasted:.0f} ms)")
        lines.append(
            f"  - unused CSS {kb(result['unused_css'])} KB; compressing the rest would save "
            f"{kb(result['uncompressed'])} KB; server response {result['server_ms']:.0f} ms; "
            f"LCP element `{result['lcp_element']}`"
        )
    return "\n".join(lines)


def versions(cli: Path) -> str:
    chromium = subprocess.run(
        [CHROME_PATH, "--version"], capture_output=True, text=True
    ).stdout.strip()
    lh = subprocess.run(
        ["node", str(cli), "--version"], capture_output=True, text=True
    ).stdout.strip()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{chromium}; Lighthouse {lh} (Node {node})"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8141)
    parser.add_argument("--data-dir", type=Path, default=LIGHTHOUSE_DIR / "data")
    parser.add_argument("--pages", default="/,/appeals/new/,/appeals/mine/,APPEAL",
                        help="comma-separated paths; APPEAL is the employee's first appeal")  # fmt: skip
    parser.add_argument("--out", type=Path, help="also write the markdown here")
    parser.add_argument(
        "--https",
        action="store_true",
        help="serve over TLS (gunicorn with a self-signed certificate), as behind the proxy",
    )
    args = parser.parse_args()

    cli = ensure_lighthouse()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    prepare(args.data_dir)
    server = start_gunicorn(args.data_dir, args.port, args.https)
    reports = LIGHTHOUSE_DIR / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    try:
        browser = Browser(args.port, args.https)
        browser.sign_in()
        paths = [
            browser.first_appeal() if page == "APPEAL" else page for page in args.pages.split(",")
        ]
        cookie = browser.cookie_header()
        # A first request to every page, so that no run pays for a cold worker.
        for path in paths:
            browser.request("GET", path)
        started = time.strftime("%Y-%m-%d %H:%M %Z")
        load_before = load_average()
        runs: dict[str, list[dict[str, Any]]] = {path: [] for path in paths}
        for number in range(args.runs):  # pages interleaved, run by run
            for path in paths:
                name = re.sub(r"[^a-z0-9]+", "-", path).strip("-") or "home"
                report = reports / f"{name}-{number + 1}.json"
                say(f"run {number + 1}/{args.runs}: {path}")
                result = figures(lighthouse(cli, f"{browser.origin}{path}", cookie, report))
                runs[path].append(result)
        load_after = load_average()
    finally:
        server.terminate()
        server.wait(timeout=30)

    pages = {path: median_run(results) for path, results in runs.items()}
    benchmark = statistics.median(r["benchmark"] for results in runs.values() for r in results)
    text = "\n".join(
        [
            f"### {started} · {versions(cli)}",
            "",
            f"Mobile form factor, simulated throttling (Lighthouse defaults); {'HTTPS' if args.https else 'HTTP'}/1.1 "
            f"from gunicorn 2 workers × 4 threads, DJANGO_DEBUG=0, SQLite demo data; load average {load_before} before, "
            f"{load_after} after; Lighthouse's CPU benchmark index (median) {benchmark:.0f}.",
            "",
            table(pages, args.runs),
            details(pages),
        ]
    )
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
