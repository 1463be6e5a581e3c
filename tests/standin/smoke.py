#!/usr/bin/env python3
"""Smoke test of the Moveo stand-in server (tests/standin/moveo_server.py).

Run from the repository root:  python3 tests/standin/smoke.py
It starts the server itself (with the same Python), sends every query file of src/moveo/queries/ through
it, and checks validation, auth, the control API and every scenario mode. Needs graphql-core 3.2.x only.
Exit code 0 and a closing 'N passed, 0 failed' line when all is well.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "tests" / "standin" / "moveo_server.py"
QUERIES = ROOT / "src" / "moveo" / "queries"
KEY, ACCOUNT = "test-key-123", "00000000-0000-4000-8000-000000000001"

EXPECTED = {
    "sessions_preview_v2": "SessionsPreviewV2", "session_content_v2": "SessionContentV2",
    "logs_sessions_interval_v2": "LogsSessionsIntervalV2", "users_interval_v2": "UsersIntervalV2",
    "log_requests_interval_v2": "LogRequestsIntervalV2", "sessions_counts": "SessionsCounts",
    "requests_counts": "RequestsCounts", "counts_per_brain": "CountsPerBrain", "top_intents_v2": "TopIntentsV2",
    "messages_per_hour_v2": "MessagesPerHourV2", "agents_performance": "AgentsPerformance",
    "response_times_interval": "ResponseTimesInterval", "response_times": "ResponseTimes",
    "open_closed_sessions_interval": "OpenClosedSessionsInterval", "agent_replies_interval": "AgentRepliesInterval",
    "brain_session_duration": "BrainSessionDuration", "brain_session_number_messages": "BrainSessionNumberMessages",
    "brain_session_message_distribution": "BrainSessionMessageDistribution", "brains_performance": "BrainsPerformance",
    "ratings_interval": "RatingsInterval", "ratings_feedbacks": "RatingsFeedbacks",
}

SAMPLE_VARS = {
    "accountId": ACCOUNT,
    "startDate": "2026-11-16T00:00:00",
    "endDate": "2026-11-23T00:00:00",
    "intervalInDays": "1 day",
    "limit": 5,
    "isTest": False,
    "sessionId": "58be4fe7-96af-409b-8ae2-cf6b1c4b51a5",
}

PASSED: list[str] = []
FAILED: list[str] = []


def check(name: str, cond: bool, detail: str = "") -> bool:
    (PASSED if cond else FAILED).append(name)
    if not cond:
        print(f"FAIL {name}: {detail}", flush=True)
    return cond


class Client:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"

    def request(self, path: str, body=None, headers=None, method=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method or ("POST" if data is not None else "GET"))
        req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read()
                return r.status, dict(r.headers), json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, dict(e.headers), json.loads(raw) if raw else None

    def gql(self, query: str, variables=None, op=None, key=KEY, account=ACCOUNT):
        headers = {}
        if key is not None:
            headers["Authorization"] = f"apikey {key}"
        if account is not None:
            headers["X-Moveo-Account-Id"] = account
        body = {"query": query, "variables": variables or {}}
        if op:
            body["operationName"] = op
        return self.request("/v1/graphql", body, headers)

    def scenario(self, **kw):
        return self.request("/_control/scenario", kw)

    def reset(self):
        return self.request("/_control/reset", {})


def declared_vars(text: str) -> list[str]:
    return re.findall(r"^\s*\$(\w+):\s*\S+\s*$", text, re.M)


def start_server():
    proc = subprocess.Popen([sys.executable, str(SERVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={k: v for k, v in os.environ.items()
                                                         if not k.startswith("STANDIN_")})
    line = [None]

    def read():
        line[0] = proc.stdout.readline().decode()

    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(15)
    m = re.fullmatch(r"PORT=(\d+)\n", line[0] or "")
    if not m:
        proc.kill()
        raise SystemExit(f"server did not print PORT=<n>: {line[0]!r}; stderr: {proc.stderr.read().decode()[:2000]}")
    return proc, int(m.group(1))


def main() -> int:
    proc, port = start_server()
    c = Client(port)
    try:
        run_checks(c)
    finally:
        # closing stdin must stop the server
        proc.stdin.close()
        try:
            proc.wait(5)
            check("server exits when stdin closes", True)
        except subprocess.TimeoutExpired:
            proc.kill()
            check("server exits when stdin closes", False, "still running 5 s after stdin EOF")
    print(f"{len(PASSED)} passed, {len(FAILED)} failed")
    return 0 if not FAILED else 1


def run_checks(c: Client):
    files = {p.stem: p.read_text() for p in sorted(QUERIES.glob("*.graphql"))}
    check("exactly the 21 query files", set(files) == set(EXPECTED), sorted(set(files) ^ set(EXPECTED)))
    texts = {}
    # ---- every query file validates and returns rows ----
    for stem, text in files.items():
        texts[stem] = text
        first = text.splitlines()[0]
        check(f"{stem}: header comment", re.match(r"# (Documented|Assumed): moveo-api\.md §", first) is not None, first)
        op = re.search(r"^query (\w+)\(", text, re.M)
        check(f"{stem}: operation name", op is not None and op.group(1) == EXPECTED.get(stem), op and op.group(1))
        roots = re.findall(r"^\s+(\w+): (\w+)\(", text, re.M)
        check(f"{stem}: one root field aliased rows", len(roots) == 1 and roots[0][0] == "rows", roots)
        vs = declared_vars(text)
        variables = {k: SAMPLE_VARS[k] for k in vs if k in SAMPLE_VARS}
        status, _, body = c.gql(text, variables, op.group(1) if op else None)
        ok = status == 200 and isinstance(body, dict) and "errors" not in body
        check(f"{stem}: validates", ok, f"{status} {json.dumps(body)[:400]}")
        if ok:
            rows = body["data"]["rows"]
            check(f"{stem}: returns rows", isinstance(rows, list) and len(rows) > 0, json.dumps(body)[:300])
            if "intervalInDays" in vs:
                dates = [r["date"] for r in rows]
                want = [f"2026-11-{d}T00:00:00" for d in range(16, 23)
                        if date(2026, 11, d).toordinal() % 5 != 0]
                check(f"{stem}: daily buckets, sparse", dates == want, f"{dates} != {want}")
    # ---- specific shapes ----
    st, _, b = c.gql(texts["requests_counts"], {"startDate": "2026-11-16", "endDate": "2026-11-23"})
    check("requests_counts: YYYY-MM-DD accepted; counts is a string",
          st == 200 and isinstance(b["data"]["rows"][0]["counts"], str) and len(b["data"]["rows"]) == 1, b)
    st, _, b = c.gql(texts["counts_per_brain"], {**SAMPLE_VARS_SUB("counts_per_brain", texts),
                                                  "brainIds": '{"b0a1e5e0-0000-4000-8000-000000000001", '
                                                              '"b0a1e5e0-0000-4000-8000-000000000002"}'})
    check("counts_per_brain: quoted array literal, one row per brain id",
          st == 200 and [r["brain_parent_id"] for r in b["data"]["rows"]] ==
          ["b0a1e5e0-0000-4000-8000-000000000001", "b0a1e5e0-0000-4000-8000-000000000002"], b)
    st, _, b = c.gql(texts["top_intents_v2"], {"startDate": "2026-11-16T00:00:00", "endDate": "2026-11-23T00:00:00"})
    rows = b["data"]["rows"]
    check("top_intents_v2: 10 rows by default, sorted desc",
          len(rows) == 10 and [r["counts"] for r in rows] == sorted((r["counts"] for r in rows), reverse=True), rows)
    st, _, b = c.gql(texts["top_intents_v2"], {"startDate": "2026-11-16T00:00:00", "endDate": "2026-11-23T00:00:00",
                                               "limit": 3})
    check("top_intents_v2: business intents such as order_status on top",
          "order_status" in [r["intent"] for r in rows], rows)
    check("top_intents_v2: limit", len(b["data"]["rows"]) == 3 and b["data"]["rows"] == rows[:3], b)
    st, _, b = c.gql(texts["messages_per_hour_v2"], {"startDate": "2026-11-16", "endDate": "2026-11-18"})
    cells = b["data"]["rows"]
    check("messages_per_hour_v2: sparse cells on the range's weekdays only",
          0 < len(cells) < 48 and {r["weekday"] for r in cells} <= {1, 2} and all(0 <= r["hour"] <= 23 for r in cells), cells)
    st, _, b = c.gql(texts["ratings_feedbacks"], {"startDate": "2026-11-01", "endDate": "2026-12-01", "ratings": "{1,2}"})
    fr = b["data"]["rows"]
    check("ratings_feedbacks: ratings filter, some feedback null",
          fr and {r["rating"] for r in fr} <= {1, 2} and any(r["feedback"] is None for r in fr), fr)
    st, _, b = c.gql(texts["agents_performance"], {"startDate": "2026-11-16", "endDate": "2026-11-23"})
    ag = b["data"]["rows"]
    check("agents_performance: a few agents, some nulls",
          len(ag) >= 3 and any(r["avg_rating"] is None for r in ag) and any(r["avg_close_time"] is None for r in ag), ag)
    st, _, b = c.gql(texts["session_content_v2"], {"sessionId": "00000000-0000-0000-0000-000000000000"})
    check("session_content_v2: unknown session gives no rows", st == 200 and b["data"]["rows"] == [], b)
    st, _, b = c.gql(texts["session_content_v2"], {"sessionId": SAMPLE_VARS["sessionId"]})
    msgs = b["data"]["rows"][0]["messages"]
    check("session_content_v2: messages", isinstance(msgs, list) and msgs[0]["event"] == "message:received", msgs)
    # weekly / monthly buckets, calendar alignment
    q = texts["logs_sessions_interval_v2"]
    st, _, b = c.gql(q, {"startDate": "2026-11-02T00:00:00", "endDate": "2026-11-30T00:00:00", "intervalInDays": "1 week"})
    want = [d for d in ("2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23")
            if date.fromisoformat(d).toordinal() % 5 != 0]
    check("weekly buckets", [r["date"][:10] for r in b["data"]["rows"]] == want, b)
    st, _, b = c.gql(q, {"startDate": "2026-01-01", "endDate": "2026-07-01", "intervalInDays": "1 month"})
    want = [f"2026-{m:02d}-01T00:00:00" for m in range(1, 7) if date(2026, m, 1).toordinal() % 5 != 0]
    check("monthly buckets", [r["date"] for r in b["data"]["rows"]] == want, b)
    c.scenario(bucket_align="calendar")
    st, _, b = c.gql(q, {"startDate": "2026-11-18", "endDate": "2026-11-30", "intervalInDays": "1 week"})
    check("calendar alignment: week bucket starts on the Monday before start",
          b["data"]["rows"][0]["date"] == "2026-11-16T00:00:00", b)
    c.reset()
    # ---- rejections ----
    st, _, b = c.gql(texts["sessions_counts"], {**SAMPLE_VARS_SUB("sessions_counts", texts), "bogus": 1, "other": 2})
    check("undeclared variables rejected",
          st == 200 and b == {"errors": [{"message": "unexpected variables in variableValues: bogus, other",
                                          "extensions": {"code": "validation-failed"}}]}, b)
    st, _, b = c.gql("query Q { rows: sessions_counts(args: {}) { nope } }")
    check("unknown field rejected", st == 200 and b["errors"][0]["extensions"]["code"] == "validation-failed", b)
    st, _, b = c.gql("query Q($d: timestamp) { rows: sessions_counts(args: {start_time: $d}) { counts } }",
                     {"d": "2026-11-16T00:00:00Z"})
    check("zoned timestamp rejected", st == 200 and b["errors"][0]["extensions"]["code"] == "validation-failed", b)
    st, _, b = c.gql(texts["sessions_counts"], {"brainIds": "{a2wv9283-9b53-4d7b-b77d-2650f3a1a99c}"})
    check("placeholder (invalid) uuid rejected", st == 200 and "errors" in b, b)
    st, _, b = c.gql(texts["sessions_counts"], {"brainIds": ["b0a1e5e0-0000-4000-8000-000000000001"]})
    check("JSON array for _uuid rejected", st == 200 and "errors" in b, b)
    st, _, b = c.gql(texts["logs_sessions_interval_v2"], {"startDate": "2026-11-16", "endDate": "2026-11-23",
                                                           "intervalInDays": "daily"})
    check("bad interval rejected", st == 200 and "errors" in b, b)
    st, _, b = c.gql("mutation M { rows: sessions_counts(args: {}) { counts } }")
    check("mutation rejected", st == 200 and b["errors"][0]["extensions"]["code"] == "validation-failed", b)
    st, _, b = c.gql("query Q($x: Int) { rows: sessions_counts(args: {}) { counts } }")
    check("unused variable rejected", st == 200 and "errors" in b, b)
    denied = {"errors": [{"message": "invalid api key", "extensions": {"code": "access-denied"}}]}
    st, _, b = c.gql(texts["sessions_counts"], {}, key="wrong")
    check("wrong key: 401", st == 401 and b == denied, (st, b))
    st, _, b = c.gql(texts["sessions_counts"], {}, account=None)
    check("missing account header: 401", st == 401 and b == denied, (st, b))
    # ---- control API and scenarios ----
    c.reset()
    sv = {"startDate": "2026-11-16T00:00:00", "endDate": "2026-11-23T00:00:00"}
    st, _, b = c.scenario(mode="nope")
    check("scenario: bad mode is 400", st == 400 and b["ok"] is False, b)
    st, _, b = c.scenario(mode="unauthorized")
    check("scenario: answer shape", st == 200 and b == {"ok": True, "scenario": {
        "mode": "unauthorized", "latency_ms": 0, "retry_after": 1, "fail_times": -1, "remaining": -1,
        "bucket_align": "start"}}, b)
    st, _, b = c.gql(texts["sessions_counts"], sv)
    check("mode unauthorized: 401", st == 401 and b == denied, (st, b))
    c.scenario(mode="rate_limited", retry_after=7)
    st, h, b = c.gql(texts["sessions_counts"], sv)
    check("mode rate_limited: 429 + Retry-After", st == 429 and h.get("Retry-After") == "7", (st, h, b))
    c.scenario(mode="unavailable")
    st, _, b = c.gql(texts["sessions_counts"], sv)
    check("mode unavailable: 503", st == 503, (st, b))
    c.scenario(mode="errors")
    st, _, b = c.gql(texts["sessions_counts"], sv, "SessionsCounts")
    check("mode errors: 200 + errors naming the operation",
          st == 200 and "data" not in b and "SessionsCounts" in b["errors"][0]["message"], b)
    c.scenario(mode="empty")
    for stem in ("sessions_counts", "top_intents_v2", "logs_sessions_interval_v2"):
        st, _, b = c.gql(texts[stem], {**sv, "intervalInDays": "1 day"} if "interval" in stem else sv)
        check(f"mode empty: {stem} rows []", st == 200 and b == {"data": {"rows": []}}, b)
    c.scenario(mode="hostile")
    seen = ""
    for stem in ("top_intents_v2", "agents_performance", "ratings_feedbacks"):
        st, _, b = c.gql(texts[stem], {**sv, "limit": 20} if stem == "top_intents_v2" else sv)
        seen += json.dumps(b, ensure_ascii=False)
    for needle in ("<script>alert(1)</script>", "\\\"double\\\" and 'single'", "😡🚀", "שלום مرحبا", "very_long_name_" * 19):
        check(f"mode hostile: {needle[:20]!r}", needle in seen, seen[:300])
    c.scenario(mode="rate_limited", fail_times=2)
    statuses = [c.gql(texts["sessions_counts"], sv)[0] for _ in range(3)]
    check("fail_times 2 then ok", statuses == [429, 429, 200], statuses)
    st, _, b = c.request("/_control/scenario")
    check("GET scenario shows remaining 0", b["scenario"]["remaining"] == 0, b)
    c.scenario(latency_ms=400)
    t0 = time.monotonic()
    st, _, _ = c.gql(texts["sessions_counts"], sv)
    check("latency_ms", st == 200 and time.monotonic() - t0 >= 0.4, time.monotonic() - t0)
    # 60 concurrent requests, each 400 ms late: must overlap
    t0 = time.monotonic()
    with ThreadPoolExecutor(60) as ex:
        res = list(ex.map(lambda _: c.gql(texts["agents_performance"], sv)[0], range(60)))
    took = time.monotonic() - t0
    check("60 concurrent requests", res == [200] * 60 and took < 4, f"{took:.2f}s {set(res)}")
    # log
    c.reset()
    c.gql(texts["sessions_counts"], sv, "SessionsCounts")
    c.gql(texts["sessions_counts"], sv, key="bad")
    st, _, log = c.request("/_control/log")
    check("log: entries in order", st == 200 and [(e["operationName"], e["status"]) for e in log] ==
          [("SessionsCounts", 200), ("SessionsCounts", 401)], log)
    check("log: variables and response", log and log[0]["variables"] == sv and "rows" in log[0]["response"]["data"], log)
    c.reset()
    st, _, log = c.request("/_control/log")
    check("reset clears log", log == [], log)
    st, _, b = c.request("/_control/scenario")
    check("reset restores ok", b["scenario"]["mode"] == "ok" and b["scenario"]["latency_ms"] == 0, b)
    # determinism: same request, same answer; a filter changes the numbers
    a = c.gql(texts["sessions_counts"], sv)[2]
    b2 = c.gql(texts["sessions_counts"], sv)[2]
    f = c.gql(texts["sessions_counts"], {**sv, "channels": "{web}"})[2]
    check("deterministic", a == b2 and a != f, (a, b2, f))


def SAMPLE_VARS_SUB(stem: str, texts: dict) -> dict:  # noqa: N802
    return {k: SAMPLE_VARS[k] for k in declared_vars(texts[stem]) if k in SAMPLE_VARS}


if __name__ == "__main__":
    sys.exit(main())
