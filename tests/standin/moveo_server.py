#!/usr/bin/env python3
"""Stand-in for Moveo.AI's Analytics GraphQL API (https://logs.moveo.ai/v1/graphql), for tests only.

Role
----
The Rust integration tests cannot reach the real API, so they start this server and point the client at it:

    python3 tests/standin/moveo_server.py

It binds 127.0.0.1 on a free port, prints exactly one line ``PORT=<n>`` to stdout, and serves until its
standard input closes (EOF), so a test process that dies does not leave it running. The test must therefore
spawn it with a *piped* stdin and keep that pipe open (CI runs with no stdin at all; an inherited /dev/null
stdin would make the server exit at once). Set STANDIN_IGNORE_STDIN=1 to run it by hand without that rule.
Set STANDIN_VERBOSE=1 to log requests to stderr (off by default, so an unread stderr pipe cannot fill up).

It is written from the project's API notes (shared/moveo-api.md), not from any client: the GraphQL schema
below holds every root field documented in §3/§4 of those notes and every one assumed in §6, in the
Hasura style (``root(args: <root>_args!, limit: Int): [<root>_row!]!``). Requests are parsed and validated
by graphql-core against it (real validation: unknown fields/args, wrong variable types, unused variables),
then executed, so aliases such as ``rows:`` and ``date: per_interval`` work as on Hasura.
Dependencies: Python 3.11 and graphql-core 3.2.x only.

GraphQL endpoint: POST /v1/graphql, body ``{"query", "variables"?, "operationName"?}``
----------------------------------------------------------------------------------
* Headers ``Authorization: apikey <key>`` and ``X-Moveo-Account-Id: <id>`` must match the env vars
  STANDIN_API_KEY (default ``test-key-123``) and STANDIN_ACCOUNT_ID (default
  ``00000000-0000-4000-8000-000000000001``); otherwise HTTP 401
  ``{"errors":[{"message":"invalid api key","extensions":{"code":"access-denied"}}]}``.
* Any parse/validation/variable error: HTTP 200 ``{"errors":[{"message":...,"extensions":{"code":"validation-failed"}}]}``.
  Variables the operation does not declare are rejected as Hasura does:
  ``unexpected variables in variableValues: a, b``.
* Scalars are checked like Postgres would: ``uuid`` must be a UUID; ``_uuid``/``_text``/``_int4`` must be a
  *string* holding a Postgres array literal (``"{a, b}"`` or ``"{\"a\",\"b\"}"``) whose elements parse;
  ``timestamp`` must be ``YYYY-MM-DD`` or ``YYYY-MM-DD[T ]HH:MM:SS[.ffffff]`` (no zone suffix);
  ``interval`` must be ``"<n> day(s)|week(s)|month(s)|mon(s)"``.
* Errors found while running a query (e.g. an interval query without startDate/endDate, a negative
  ``limit``) come back as HTTP 200 ``{"errors":[{"message":...,"extensions":{"code":"data-exception"}}]}``.

Data (deterministic, so tests can predict it; the exact body sent is also in GET /_control/log)
--------------------------------------------------------------------------------------------
* Every number is derived from sha256 of (root field or metric name, bucket/range label, filter salt).
  The filter salt is every non-null arg except account_id/start_time/end_time/interval_span, with array
  literals parsed and sorted, so sending a filter changes the numbers but ``{a,b}`` == ``{"b", "a"}``.
* Interval queries: buckets start at start_time and step by interval_span while bucket_start < end_time
  (end exclusive); ``date`` (per_interval) is the bucket start as ``YYYY-MM-DDTHH:MM:SS``. With scenario
  ``"bucket_align": "calendar"`` buckets are date_trunc-aligned instead (midnight / Monday / 1st of month),
  so the first bucket can start before start_time (moveo-api.md §6). A bucket whose start date has
  ``date.toordinal() % 5 == 0`` is left out (sparse series); missing interval_span means "1 day".
  Counts scale with the bucket length in days.
* Aggregates (counts, response_times, durations, number of messages, distribution, metering, insights)
  are a one-row list. Counts queries over a range are unrelated to the sum of the interval series.
* Numbers sent as strings (Postgres bigint, as a Hasura with stringified numerics does):
  ``requests_counts.counts``, ``log_requests_interval_counts_v2.counts``, ``counts_per_brain.num_requests``.
* Nulls: ratings_interval avg/median when a bucket has no ratings; response_times(_interval) fields in
  some buckets; close times of the first agent; avg_rating of an agent with no ratings; one duration and one
  number-of-messages average in some ranges; feedback and agent of some rating_feedback rows.
* top_intents_v2: intents sorted by counts desc (ties by name) from a universe of 60 names such as
  ``order_status``; without ``limit`` the stand-in returns 10 rows.
* requests_hourly_counts_v2: sparse (weekday 1=Mon..7=Sun, hour 0-23 UTC) cells, only weekdays that occur
  in the range, sorted by counts desc.
* agents_performance / brains_performance / counts_per_brain / rating_feedback: without an id filter a
  fixed set of agents (AGENTS) / AI agents (BRAINS); with agent_ids / brain_parent_ids, one row per id
  asked for (ratings filter: only those rating values).
* log_session_content_v2 / get_session_content: one row, or no rows when session_id is null or starts
  with ``00000000``. logs_sessions_preview_v2 with session_id: that one session.

Control API (JSON, no auth)
---------------------------
* ``POST /_control/scenario`` body ``{"mode": "ok"|"unauthorized"|"rate_limited"|"unavailable"|"errors"|
  "empty"|"hostile", "latency_ms": int, "retry_after": int, "fail_times": int, "bucket_align":
  "start"|"calendar", "schema": "assumed"|"drifted", "operations": [name, ...]|null, "spike":
  {"date": "YYYY-MM-DD", "factor": n}|null, "introspection": true|false}`` (``introspection`` false answers
  ``__schema`` queries as Hasura does when it is disabled; ``spike`` multiplies that day's sessions in daily
  LogsSessionsIntervalV2 buckets, to plant an anomaly; factor 0 is a day whose data has not arrived yet). Every key is optional; an absent key takes its default (mode "ok", latency_ms 0,
  retry_after 1, fail_times -1, bucket_align "start"), i.e. each POST replaces the whole scenario. Unknown
  keys or bad values: HTTP 400 ``{"ok": false, "error": "..."}``. Answer: ``{"ok": true, "scenario":
  {"mode", "latency_ms", "retry_after", "fail_times", "remaining", "bucket_align"}}`` (GET returns the same).
  - ``fail_times`` N >= 0: the mode applies to the next N GraphQL requests, then the server answers as "ok"
    (``remaining`` counts down); -1 = always.
  - ``unauthorized``: HTTP 401 as for a bad key. ``rate_limited``: HTTP 429, header ``Retry-After:
    <retry_after>``, body ``{"errors":[{"message":"rate limit exceeded","extensions":{"code":"rate-limited"}}]}``.
    ``unavailable``: HTTP 503, body ``{"errors":[{"message":"service unavailable","extensions":
    {"code":"unavailable"}}]}``. ``errors``: HTTP 200 ``{"errors":[{"message":"database query error in
    operation <OperationName> (stand-in scenario)","extensions":{"code":"unexpected"}}]}``.
    ``empty``: every query returns ``{"data":{"rows":[]}}`` (whatever its alias). ``hostile``: every free-text
    string field (intent, agent_name, feedback, channel, user names/ids, tags, message texts) is taken from
    HOSTILE (HTML/script, quotes, emoji, RTL, a 300-char name, CSV formula, newline, template syntax).
  - ``operations``: when a list, the mode (and fail_times) applies only to requests of those operation
    names; the others answer as "ok".
  - ``schema: "drifted"``: the schema of an account whose names differ from §6's guesses: root
    ``top_intents_v2`` is called ``top_intents``, ``sessions_counts`` does not exist, and
    ``agent_replies_interval_counts`` takes no ``channels`` argument (unknown arguments are rejected by
    validation, as Hasura does). Documented roots are unchanged.
  - ``latency_ms`` applies to every GraphQL request (sleep before answering), whatever the mode.
  - Order per request: latency; unauthorized / rate_limited / unavailable (before the header check); the
    header check; JSON, parse, validation and variable checks; then errors / empty / hostile / ok.
* ``POST /_control/reset`` → scenario back to defaults, log cleared; answers ``{"ok": true}``.
* ``GET /_control/log`` → JSON array, oldest first, one entry per /v1/graphql request:
  ``{"operationName": str|null, "account": str|null, "variables": object|null, "status": int,
  "response": <the JSON body sent>, "query": str|null}``.
* ``GET /_control/stats`` → ``{"peak_in_flight": {account: n}, "requests": n}``: the most GraphQL requests
  of one account the server held at once since the last reset.
* ``GET /healthz`` → ``OK`` (text/plain).
* More accounts: env STANDIN_ACCOUNTS="id:key,id:key"; each key works for its own account only.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import os
import re
import sys
import threading
import time
import uuid as uuidlib
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from graphql import GraphQLError, build_schema, execute, parse, validate
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast

API_KEY = os.environ.get("STANDIN_API_KEY", "test-key-123")
ACCOUNT_ID = os.environ.get("STANDIN_ACCOUNT_ID", "00000000-0000-4000-8000-000000000001")
# More accounts, "id:key,id:key", for deployments with several (each key works for its account only).
ACCOUNTS = {ACCOUNT_ID: API_KEY}
for _pair in filter(None, os.environ.get("STANDIN_ACCOUNTS", "").split(",")):
    _id, _, _key = _pair.partition(":")
    ACCOUNTS[_id.strip()] = _key.strip()
VERBOSE = os.environ.get("STANDIN_VERBOSE") == "1"
MAX_BUCKETS = 10_000

# --------------------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------------------

ARG_TYPES = {
    "account_id": "uuid",
    "desk_ids": "_uuid",
    "brain_parent_ids": "_uuid",
    "integration_ids": "_uuid",
    "brain_versions": "_int4",
    "channels": "_text",
    "tags": "_text",
    "agent_ids": "_text",
    "is_test": "Boolean",
    "min_num_user_messages": "Int",
    "start_time": "timestamp",
    "end_time": "timestamp",
    "interval_span": "interval",
    "ratings": "_int4",
    "rule_ids": "_uuid",
    "session_id": "String",
    "user_id": "String",
    "user_name": "String",
    "user_email": "String",
    "channel_user_id": "String",
    "external_user_id": "String",
    "max_confidence": "float8",
    "min_human_response_time": "float8",
    "is_contained": "Boolean",
    "is_covered": "Boolean",
    "has_collection": "Boolean",
    "has_collection_sources": "Boolean",
    "is_meaningful": "Boolean",
    "language_model_ids": "_text",
    "hour_start": "Int",
    "hour_end": "Int",
}

# §2.2 common filter set (what §6 assumes for the undocumented queries).
COMMON = ["account_id", "desk_ids", "brain_parent_ids", "integration_ids", "brain_versions", "channels",
          "tags", "is_test", "min_num_user_messages", "start_time", "end_time"]

PREVIEW_ARGS = ["start_time", "end_time", "account_id", "brain_parent_ids", "desk_ids", "integration_ids",
                "brain_versions", "channels", "min_num_user_messages", "max_confidence",
                "min_human_response_time", "ratings", "tags", "rule_ids", "session_id", "user_id", "user_name",
                "user_email", "channel_user_id", "external_user_id", "is_contained", "is_covered", "is_test",
                "has_collection", "has_collection_sources", "agent_ids", "is_meaningful"]

SESSION_FIELDS = """
    session_id: String!
    account_id: uuid
    avg_confidence: float8
    min_confidence: float8
    brain_id: uuid
    brain_parent_id: uuid
    brain_version: Int
    channel: String
    channel_user_id: String
    user_id: String
    user_name: String
    user_email: String
    desk_id: uuid
    start_time: timestamp
    end_time: timestamp
    expired_time: timestamp
    external_user_id: String
    integration_id: uuid
    is_contained: Boolean
    is_covered: Boolean
    is_test: Boolean
    participated_brains: _uuid
    participated_collections: _uuid
    participated_agents: _text
    rating: Int
    feedback: String
    tags: _text
    rule_ids: _uuid
    total_user_messages: Int
    avg_human_response_time: float8
    avg_response_time: float8
    human_first_response_time: float8
"""

CONTENT_EXTRA = """
    messages: jsonb
    csat_brain: Int
    csat_human_agent: Int
    goal_achieved: Boolean
    insights: jsonb
    user_sentiment: String
"""

PERF_FIELDS = """
    avg_response_time: float8
    avg_first_response_time: float8
    median_response_time: float8
    median_first_response_time: float8
    max_response_time: float8
    max_first_response_time: float8
    min_response_time: float8
    min_first_response_time: float8
    avg_close_time: float8
    median_close_time: float8
    max_close_time: float8
    min_close_time: float8
    ratings: Int!
    avg_rating: float8
    ratings_more_than_3: Int!
    closed_conversations: Int!
    participated_sessions: Int!
    replies: Int!
"""

RESPONSE_TIME6 = """
    avg_response_time: float8
    avg_first_response_time: float8
    median_response_time: float8
    median_first_response_time: float8
    avg_close_time: float8
    median_close_time: float8
"""

# root field -> (args, row fields SDL, section of moveo-api.md)
ROOTS: dict[str, tuple[list[str], str, str]] = {
    # §3.1 / §3.2
    "logs_sessions_preview_v2": (PREVIEW_ARGS, SESSION_FIELDS, "§3.1.a"),
    "get_sessions": (PREVIEW_ARGS + ["language_model_ids"], SESSION_FIELDS, "§3.1.c (args beyond the quick start inferred)"),
    "log_session_content_v2": (["session_id"], SESSION_FIELDS + CONTENT_EXTRA, "§3.2.a"),
    "get_session_content": (["session_id", "start_time", "end_time"], SESSION_FIELDS + CONTENT_EXTRA, "§3.2.b"),
    # §6 interval counts
    "log_sessions_interval_counts_v2": (COMMON + ["interval_span"], "per_interval: timestamp!\n counts: Int!", "§6"),
    "users_interval_counts_v2": (COMMON + ["interval_span"], "per_interval: timestamp!\n counts: Int!", "§6"),
    "log_requests_interval_counts_v2": (COMMON + ["interval_span"], "per_interval: timestamp!\n counts: bigint!", "§6"),
    "agent_replies_interval_counts": (COMMON + ["interval_span", "agent_ids"], "per_interval: timestamp!\n counts: Int!", "§6"),
    "response_times_interval": (COMMON + ["interval_span", "agent_ids"], "per_interval: timestamp!\n" + RESPONSE_TIME6, "§6"),
    "response_times": (COMMON + ["agent_ids"], RESPONSE_TIME6 + """
        max_response_time: float8
        min_response_time: float8
        max_first_response_time: float8
        min_first_response_time: float8""", "§6"),
    "sessions_counts": (COMMON, "counts: Int!", "§6"),
    "top_intents_v2": (COMMON, "intent: String!\n counts: Int!", "§6"),
    "brain_session_number_messages": (COMMON, """
        average_messages: float8
        average_messages_contained: float8
        average_messages_non_contained: float8
        average_messages_covered: float8
        average_messages_non_covered: float8""", "§6"),
    # §3.6
    "get_sessions_count": (["account_id", "desk_ids", "brain_parent_ids", "start_time", "end_time", "is_test"],
                           "total_sessions: Int!\n meaningful_sessions: Int!\n non_meaningful_sessions: Int!", "§3.6.a"),
    "sessions_counts_fast": (["account_id", "desk_ids", "brain_parent_ids", "start_time", "end_time", "is_test"],
                             "counts: Int!", "§3.6.b (is_test from the parameter table only)"),
    # §3.7 / §3.8
    "requests_counts": (["account_id", "start_time", "end_time", "brain_parent_ids", "desk_ids", "integration_ids",
                         "brain_versions", "channels", "is_test", "min_num_user_messages"], "counts: bigint!", "§3.7"),
    "counts_per_brain": (["account_id", "start_time", "end_time", "brain_parent_ids", "desk_ids", "integration_ids",
                          "brain_versions", "channels", "tags", "is_test", "min_num_user_messages"],
                         "id: uuid!\n num_requests: bigint!\n num_sessions: Int!\n num_users: Int!\n last_used: timestamp", "§3.8"),
    # §3.10 / §3.11 / §3.14
    "requests_hourly_counts_v2": (["desk_ids", "brain_parent_ids", "integration_ids", "brain_versions", "channels",
                                   "start_time", "end_time", "is_test"], "counts: Int!\n weekday: Int!\n hour: Int!", "§3.10"),
    "agents_performance": (["start_time", "end_time", "desk_ids", "integration_ids", "channels", "is_test", "agent_ids"],
                           "agent_id: uuid!\n agent_name: String\n" + PERF_FIELDS, "§3.11"),
    "open_closed_sessions_interval_counts_v2": (["start_time", "end_time", "interval_span", "brain_parent_ids", "desk_ids",
                                                 "integration_ids", "brain_versions", "channels", "is_test", "agent_ids"],
                                                "per_interval: timestamp!\n open_sessions: Int!\n closed_sessions: Int!", "§3.14"),
    # §3.16 / §3.18 / §3.19
    "brain_session_duration": (["start_time", "end_time", "account_id", "brain_parent_ids", "desk_ids", "channels", "tags",
                                "is_test"], """
        average_duration: float8
        average_duration_contained: float8
        average_duration_non_contained: float8
        average_duration_covered: float8
        average_duration_non_covered: float8""", "§3.16"),
    "brain_sessions_message_distribution": (["start_time", "end_time", "account_id", "brain_parent_ids", "desk_ids",
                                             "channels", "tags", "is_contained", "is_covered", "is_test"], """
        one_message: Int!
        two_messages: Int!
        three_messages: Int!
        four_messages: Int!
        five_messages: Int!
        six_messages: Int!
        seven_messages: Int!
        eight_messages: Int!
        nine_messages: Int!
        ten_plus_messages: Int!""", "§3.18"),
    "brains_performance": (["account_id", "start_time", "end_time", "brain_parent_ids", "desk_ids", "integration_ids",
                            "brain_versions", "channels", "is_test", "agent_ids", "tags", "min_num_user_messages"],
                           """brain_parent_id: uuid!
        containment: float8
        coverage: float8
        avg_confidence: float8
        median_confidence: float8
        """ + PERF_FIELDS, "§3.19"),
    # §3.20 - §3.23
    "ratings_interval_counts": (["start_time", "end_time", "interval_span", "brain_parent_ids", "desk_ids",
                                 "integration_ids", "brain_versions", "is_test", "agent_ids"],
                                "per_interval: timestamp!\n avg_rating: float8\n median_rating: float8\n"
                                " num_more_than_3: Int!\n num_ratings: Int!", "§3.20"),
    "rating_feedback": (["start_time", "end_time", "brain_parent_ids", "desk_ids", "integration_ids", "brain_versions",
                         "is_test", "agent_ids", "ratings"],
                        "agent_id: uuid\n agent_name: String\n brain_id: uuid\n brain_parent_id: uuid\n version: Int\n"
                        " rating: Int!\n feedback: String\n is_test: Boolean", "§3.21"),
    "get_monthly_active_users": (["account_id", "start_time", "end_time"], "month_year: String!\n unique_users: Int!", "§3.22"),
    "sessions_metering_fast": (["account_id", "desk_ids", "brain_parent_ids", "start_time", "end_time"],
                               "meaningful_sessions: Int!\n non_meaningful_sessions: Int!\n total_sessions: Int!", "§3.23"),
    # §4
    "users_counts": (["account_id", "desk_ids", "brain_parent_ids", "integration_ids", "channels", "start_time", "end_time",
                      "is_test", "min_num_user_messages"], "counts: Int!", "§4.1"),
    "sessions_per_channel": (["account_id", "desk_ids", "brain_parent_ids", "integration_ids", "start_time", "end_time",
                              "is_test"], "channel: String!\n session_count: Int!\n user_count: Int!\n message_count: Int!", "§4.2"),
    "get_meaningful_sessions_count_by_hour": (["account_id", "desk_ids", "brain_parent_ids", "start_time", "end_time"],
                                              "hour: Int!\n session_count: Int!", "§4.3"),
    "get_meaningful_sessions_count_by_hour_range": (["account_id", "desk_ids", "brain_parent_ids", "start_time", "end_time",
                                                     "hour_start", "hour_end"],
                                                    "session_count: Int!\n hour_range_start: Int!\n hour_range_end: Int!", "§4.3"),
    "counts_per_brain_fast": (["account_id", "desk_ids", "brain_parent_ids", "start_time", "end_time", "is_test"],
                              "id: uuid!\n num_requests: Int!\n num_sessions: Int!\n num_users: Int!\n last_used: timestamp", "§4.4"),
    "counts_per_desk_fast": (["account_id", "desk_ids", "start_time", "end_time", "is_test"],
                             "id: uuid!\n num_requests: Int!\n num_sessions: Int!\n num_users: Int!\n last_used: timestamp", "§4.5"),
    "get_system_insights_performance": (["account_id", "desk_ids", "brain_parent_ids", "start_time", "end_time"], """
        total_sessions: Int!
        contained_sessions: Int!
        covered_sessions: Int!
        avg_response_time: float8
        avg_session_duration: float8
        total_handovers: Int!""", "§4.6"),
}


# A live account whose schema differs from §6's guesses (scenario "schema": "drifted"), as a new
# customer's might: one assumed root is named otherwise, one is missing, one takes fewer arguments.
# The documented roots are the same as above. Rows of a renamed root are made as for the old name.
DRIFT_RENAMED = {"top_intents_v2": "top_intents"}
DRIFT_MISSING = {"sessions_counts"}
DRIFT_FEWER_ARGS = {"agent_replies_interval_counts": ["channels"]}


def drifted_roots() -> dict:
    roots = {}
    for root, (args, fields, section) in ROOTS.items():
        if root in DRIFT_MISSING:
            continue
        args = [a for a in args if a not in DRIFT_FEWER_ARGS.get(root, [])]
        roots[DRIFT_RENAMED.get(root, root)] = (args, fields, section + " (drifted)")
    return roots


def build_sdl(roots: dict | None = None) -> str:
    roots = ROOTS if roots is None else roots
    out = ["scalar uuid", "scalar _uuid", "scalar _text", "scalar _int4", "scalar float8", "scalar timestamp",
           "scalar interval", "scalar jsonb", "scalar bigint", ""]
    query_fields = []
    for root, (args, fields, section) in roots.items():
        seen = []
        for a in args:
            if a not in seen:
                seen.append(a)
        out.append(f"input {root}_args {{")
        out.extend(f"  {a}: {ARG_TYPES[a]}" for a in seen)
        out.append("}")
        out.append(f"type {root}_row {{")
        out.extend("  " + line.strip() for line in fields.strip().splitlines() if line.strip())
        out.append("}")
        query_fields.append(f'  "moveo-api.md {section}"\n  {root}(args: {root}_args!, limit: Int): [{root}_row!]!')
    out.append("type query_root {")
    out.extend(query_fields)
    out.append("}")
    out.append("schema { query: query_root }")
    return "\n".join(out) + "\n"


# ---- scalar parsing (variables and literals), Postgres-like ----

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
TS_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$")
INTERVAL_RE = re.compile(r"^\s*(\d+)\s*(days?|weeks?|months?|mons?)\s*$", re.I)


def parse_uuid(v):
    if not isinstance(v, str) or not UUID_RE.match(v):
        raise GraphQLError(f'invalid input syntax for type uuid: {json.dumps(v, ensure_ascii=False)}')
    return v.lower()


def parse_pg_array(v, type_name):
    """Parse a one-dimensional Postgres array literal such as '{a, "b c", NULL}'."""
    if not isinstance(v, str):
        raise GraphQLError(f"A string is expected for type: {type_name} (a Postgres array literal like \"{{a,b}}\")")
    s = v.strip()
    if not (s.startswith("{") and s.endswith("}")):
        raise GraphQLError(f'malformed array literal: {json.dumps(v, ensure_ascii=False)}')
    body = s[1:-1]
    items: list = []
    i, n = 0, len(body)
    if body.strip() == "":
        return items
    while True:
        while i < n and body[i].isspace():
            i += 1
        if i < n and body[i] == '"':
            i += 1
            buf = []
            while i < n and body[i] != '"':
                if body[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(body[i])
                i += 1
            if i >= n:
                raise GraphQLError(f'malformed array literal: {json.dumps(v, ensure_ascii=False)}')
            i += 1
            items.append("".join(buf))
            while i < n and body[i].isspace():
                i += 1
        else:
            j = i
            while j < n and body[j] not in ',"{}':
                j += 1
            tok = body[i:j].strip()
            if tok == "" or (j < n and body[j] in '"{}'):
                raise GraphQLError(f'malformed array literal: {json.dumps(v, ensure_ascii=False)}')
            items.append(None if tok.upper() == "NULL" else tok)
            i = j
        if i >= n:
            break
        if body[i] != ",":
            raise GraphQLError(f'malformed array literal: {json.dumps(v, ensure_ascii=False)}')
        i += 1
    return items


def parse_uuid_array(v):
    return [None if x is None else parse_uuid(x) for x in parse_pg_array(v, "_uuid")]


def parse_text_array(v):
    return parse_pg_array(v, "_text")


def parse_int_array(v):
    out = []
    for x in parse_pg_array(v, "_int4"):
        if x is None:
            out.append(None)
            continue
        if not re.fullmatch(r"[+-]?\d+", x):
            raise GraphQLError(f'invalid input syntax for type integer: "{x}"')
        out.append(int(x))
    return out


def parse_timestamp(v):
    m = TS_RE.match(v) if isinstance(v, str) else None
    if not m:
        raise GraphQLError(
            f"invalid input syntax for type timestamp: {json.dumps(v, ensure_ascii=False)} "
            "(stand-in accepts YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.ffffff], no zone)")
    y, mo, d, hh, mm, ss, frac = m.groups()
    try:
        return datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0),
                        int((frac or "0").ljust(6, "0")))
    except ValueError as e:
        raise GraphQLError(f"date/time field value out of range: {json.dumps(v)} ({e})") from None


def parse_interval(v):
    m = INTERVAL_RE.match(v) if isinstance(v, str) else None
    if not m or int(m.group(1)) == 0:
        raise GraphQLError(
            f"invalid input syntax for type interval: {json.dumps(v, ensure_ascii=False)} "
            "(stand-in accepts '<n> day(s)', '<n> week(s)', '<n> month(s)' with n >= 1)")
    unit = m.group(2).lower()
    unit = "day" if unit.startswith("day") else "week" if unit.startswith("week") else "month"
    return (int(m.group(1)), unit)


def parse_float8(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise GraphQLError(f"float8 expects a number, got {json.dumps(v)}")
    return float(v)


SCHEMA = build_schema(build_sdl())
DRIFTED_SCHEMA = build_schema(build_sdl(drifted_roots()))
for _schema in (SCHEMA, DRIFTED_SCHEMA):
    for _name, _fn in {"uuid": parse_uuid, "_uuid": parse_uuid_array, "_text": parse_text_array,
                       "_int4": parse_int_array, "timestamp": parse_timestamp, "interval": parse_interval,
                       "float8": parse_float8}.items():
        _schema.type_map[_name].parse_value = _fn  # parse_literal goes through parse_value

# --------------------------------------------------------------------------------------------------
# Deterministic data
# --------------------------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "\"double\" and 'single' quotes",
    "😡🚀 emoji",
    "שלום مرحبا",
    ("very_long_name_" * 20)[:300],
    "=HYPERLINK(\"http://example.invalid\",\"click\")",
    "line one\nline two\ttab",
    "pipe | comma, semicolon; back\\slash",
    "&amp; &lt;b&gt; <b>bold</b> </td></tr>",
    "{{ tera }} {% raw %} #set text(red) $x^2$ *bold* _em_ @ref `code`",
]

INTENTS = [
    "order_status", "track_package", "refund_request", "cancel_order", "change_address", "payment_failed",
    "opening_hours", "store_locator", "reset_password", "update_email", "talk_to_agent", "greeting",
    "goodbye", "thanks", "product_availability", "return_policy", "shipping_costs", "delivery_time",
    "invoice_copy", "broken_item", "discount_code", "loyalty_points", "complaint", "feedback",
] + [f"faq_topic_{i:02d}" for i in range(1, 37)]

# The first agent is the sample of moveo-api.md §3.11; ids are valid UUIDs.
AGENTS = [
    ("1b28b8ba-c9de-42ac-94ad-564e0c6858c9", "John Doe"),
    ("1e47963e-ae46-4821-ae61-10773d1141a2", "Maria Papadopoulou"),
    ("5c0b7a52-3f7e-4d1a-9b0e-2f4c8d6a1e03", "Ana Núñez"),
    ("9a4e2f61-7b3c-4e8d-a1f5-6c2d9e0b7a44", "Kofi Mensah"),  # has no ratings: avg_rating null
]
BRAINS = [
    "b0a1e5e0-0000-4000-8000-000000000001",
    "b0a1e5e0-0000-4000-8000-000000000002",
    "b0a1e5e0-0000-4000-8000-000000000003",
]
DESKS = ["d2be0283-9b53-4d7b-b77d-2650f3a1a99c", "51ff88a7-dfab-44e5-9303-9b2bf13f1c94"]
CHANNELS = ["web", "facebook", "whatsapp", "viber"]
FEEDBACKS = ["Very helpful, thanks!", "Took too long to get an answer", "The bot did not understand me",
             "Great service", "ok"]
SALT_EXCLUDE = {"account_id", "start_time", "end_time", "interval_span"}


def H(*parts) -> int:
    return int.from_bytes(hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()[:8], "big")


def fuuid(*parts) -> str:
    return str(uuidlib.UUID(bytes=hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:16], version=4))


def fmt_ts(dt: datetime) -> str:
    s = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if dt.microsecond:
        s += ("." + f"{dt.microsecond:06d}").rstrip("0")
    return s


def rnd(x: float, nd: int = 4) -> float:
    return round(x, nd)


def add_months(dt: datetime, m: int) -> datetime:
    y, mo = divmod(dt.month - 1 + m, 12)
    y += dt.year
    mo += 1
    return dt.replace(year=y, month=mo, day=min(dt.day, calendar.monthrange(y, mo)[1]))


def step(anchor: datetime, span, k: int) -> datetime:
    n, unit = span
    if unit == "day":
        return anchor + timedelta(days=n * k)
    if unit == "week":
        return anchor + timedelta(days=7 * n * k)
    return add_months(anchor, n * k)


def data_error(msg: str) -> GraphQLError:
    return GraphQLError(msg, extensions={"code": "data-exception"})


class Gen:
    """Everything one root-field call needs to produce rows."""

    def __init__(self, root: str, args: dict, ctx: dict):
        self.root = root
        self.args = args or {}
        self.ctx = ctx
        self.start = self.args.get("start_time")
        self.end = self.args.get("end_time")
        items = []
        for k, v in sorted(self.args.items()):
            if k in SALT_EXCLUDE or v is None:
                continue
            if isinstance(v, list):
                v = sorted(v, key=lambda x: (x is None, str(x)))
            items.append([k, v])
        self.salt = json.dumps(items, sort_keys=True, ensure_ascii=False) if items else ""
        if self.start is not None and self.end is not None:
            self.range_label = f"{fmt_ts(self.start)}..{fmt_ts(self.end)}"
            self.days = max(0.0, (self.end - self.start).total_seconds() / 86400)
            self.empty_range = self.end <= self.start
        else:
            self.range_label = f"{self.start and fmt_ts(self.start)}..{self.end and fmt_ts(self.end)}"
            self.days = 7.0
            self.empty_range = False
        self.factor = max(1, round(self.days))

    def h(self, *parts) -> int:
        return H(self.root, *parts, self.salt)

    def text(self, i: int, normal):
        if not self.ctx.get("hostile") or normal is None:
            return normal
        base = HOSTILE[i % len(HOSTILE)]
        return base if i < len(HOSTILE) else f"{base} #{i // len(HOSTILE)}"

    # ---- shared metrics (users <= sessions <= requests for the same label) ----
    def traffic(self, label: str, factor: int):
        u = (5 + H("users", label, self.salt) % 95) * factor
        s = u + H("sessions", label, self.salt) % (u // 2 + 1)
        r = 2 * s + H("requests", label, self.salt) % (s + 1)
        return u, s, r

    def buckets(self):
        if self.start is None or self.end is None:
            raise data_error(f"{self.root}: the stand-in needs start_time and end_time for interval queries")
        span = self.args.get("interval_span") or (1, "day")
        anchor = self.start
        if self.ctx.get("bucket_align") == "calendar":
            anchor = anchor.replace(hour=0, minute=0, second=0, microsecond=0)
            if span[1] == "week":
                anchor -= timedelta(days=anchor.weekday())
            elif span[1] == "month":
                anchor = anchor.replace(day=1)
        out = []
        k = 0
        while True:
            b = step(anchor, span, k)
            if b >= self.end:
                break
            nb = step(anchor, span, k + 1)
            k += 1
            if k > MAX_BUCKETS:
                raise data_error(f"{self.root}: more than {MAX_BUCKETS} buckets")
            if b.toordinal() % 5 == 0:  # sparse series: no row for this bucket
                continue
            out.append((b, nb, max(1, round((nb - b).total_seconds() / 86400))))
        return out

    def ids_or(self, arg: str, default: list[str]) -> list[str]:
        asked = self.args.get(arg)
        if asked is None:
            return list(default)
        return [x for x in dict.fromkeys(asked) if x is not None]

    def in_range_time(self, i: int) -> datetime:
        if self.start is not None and self.end is not None and self.end > self.start:
            secs = int((self.end - self.start).total_seconds())
            base, span = self.start, max(1, secs - 3600)
        else:
            base, span = datetime(2026, 1, 1), 30 * 86400
        return base + timedelta(seconds=self.h("t", i) % span, milliseconds=self.h("ms", i) % 1000)

    # ---- root fields ----
    def run(self):
        fn = getattr(self, "r_" + self.root, None)
        return fn() if fn else []

    def _interval_counts(self, pick, as_string=False):
        rows = []
        for b, _nb, f in self.buckets():
            label = fmt_ts(b)
            v = pick(label, f)
            rows.append({"per_interval": label, "counts": str(v) if as_string else v})
        return rows

    def r_log_sessions_interval_counts_v2(self):
        spike = self.ctx.get("spike") or {}

        def sessions(label, f):
            # A planted anomaly: one day's sessions (daily buckets only) times a factor.
            planted = f == 1 and label.startswith(spike.get("date", "-"))
            return self.traffic(label, f)[1] * (spike.get("factor", 1) if planted else 1)
        return self._interval_counts(sessions)

    def r_users_interval_counts_v2(self):
        return self._interval_counts(lambda l, f: self.traffic(l, f)[0])

    def r_log_requests_interval_counts_v2(self):
        return self._interval_counts(lambda l, f: self.traffic(l, f)[2], as_string=True)

    def r_agent_replies_interval_counts(self):
        return self._interval_counts(lambda l, f: (H("replies", l, self.salt) % 60) * f)

    def r_open_closed_sessions_interval_counts_v2(self):
        rows = []
        for b, _nb, f in self.buckets():
            label = fmt_ts(b)
            rows.append({"per_interval": label, "open_sessions": (H("open", label, self.salt) % 15) * f,
                         "closed_sessions": (5 + H("closed", label, self.salt) % 40) * f})
        return rows

    def _times(self, key, with_minmax=False, null_close=None):
        x = H("rt", key, self.salt)
        avg = 0.2 + (x % 2800) / 1000
        first = avg * 1.3
        row = {"avg_response_time": rnd(avg), "avg_first_response_time": rnd(first),
               "median_response_time": rnd(avg * 0.7), "median_first_response_time": rnd(first * 0.8),
               "avg_close_time": rnd(5 + (x >> 16) % 600 / 10), "median_close_time": rnd(4 + (x >> 24) % 500 / 10)}
        if null_close is None:
            null_close = (x >> 32) % 2 == 0
        if null_close:
            row["avg_close_time"] = row["median_close_time"] = None
        if with_minmax:
            row.update({"max_response_time": rnd(avg * 4), "min_response_time": rnd(avg / 5),
                        "max_first_response_time": rnd(first * 3), "min_first_response_time": rnd(first / 4)})
        return row

    def r_response_times_interval(self):
        rows = []
        for b, _nb, _f in self.buckets():
            label = fmt_ts(b)
            row = {"per_interval": label, **self._times(label)}
            if H("rt-null", label, self.salt) % 4 == 0:  # no human replies in this bucket
                row = {k: (v if k == "per_interval" else None) for k, v in row.items()}
            rows.append(row)
        return rows

    def r_response_times(self):
        if self.empty_range:
            row = self._times(self.range_label, with_minmax=True)
            return [{k: None for k in row}]
        return [self._times(self.range_label, with_minmax=True)]

    def r_ratings_interval_counts(self):
        rows = []
        for b, _nb, f in self.buckets():
            label = fmt_ts(b)
            x = H("ratings", label, self.salt)
            if x % 6 == 0:
                rows.append({"per_interval": label, "avg_rating": None, "median_rating": None,
                             "num_more_than_3": 0, "num_ratings": 0})
                continue
            n = (1 + x % 40) * f
            more = (n * (40 + (x >> 8) % 60)) // 100
            rows.append({"per_interval": label, "avg_rating": rnd(1 + (x >> 16) % 400 / 100, 2),
                         "median_rating": float(1 + (x >> 24) % 5) if (x >> 28) % 3 else 3.5,
                         "num_more_than_3": more, "num_ratings": n})
        return rows

    def r_sessions_counts(self):
        return [{"counts": 0 if self.empty_range else self.traffic(self.range_label, self.factor)[1]}]

    r_sessions_counts_fast = r_sessions_counts

    def r_users_counts(self):
        return [{"counts": 0 if self.empty_range else self.traffic(self.range_label, self.factor)[0]}]

    def r_requests_counts(self):
        return [{"counts": str(0 if self.empty_range else self.traffic(self.range_label, self.factor)[2])}]

    def _metering(self):
        total = 0 if self.empty_range else self.traffic(self.range_label, self.factor)[1]
        meaningful = (total * (60 + self.h("m") % 30)) // 100
        return [{"total_sessions": total, "meaningful_sessions": meaningful,
                 "non_meaningful_sessions": total - meaningful}]

    r_get_sessions_count = _metering
    r_sessions_metering_fast = _metering

    def _per_entity(self, ids, stringify):
        rows = []
        for i, eid in enumerate(ids):
            u, s, r = self.traffic(f"{self.range_label}|{eid}", self.factor)
            last = None if self.empty_range else fmt_ts(self.in_range_time(i).replace(microsecond=(i * 10_000) % 1_000_000 or 580_000))
            rows.append({"id": eid, "num_requests": str(r) if stringify else r, "num_sessions": s,
                         "num_users": u, "last_used": last})
        return [] if self.empty_range else rows

    def r_counts_per_brain(self):
        return self._per_entity(self.ids_or("brain_parent_ids", BRAINS), True)

    def r_counts_per_brain_fast(self):
        return self._per_entity(self.ids_or("brain_parent_ids", BRAINS), False)

    def r_counts_per_desk_fast(self):
        return self._per_entity(self.ids_or("desk_ids", DESKS), False)

    def r_top_intents_v2(self):
        if self.empty_range:
            return []
        # earlier names in INTENTS are more frequent, with some shuffling from the hash
        rows = [{"intent": name, "counts": self.factor * (1 + (len(INTENTS) - i) * 2
                                                          + self.h("intent", name, self.range_label) % 25)}
                for i, name in enumerate(INTENTS)]
        rows.sort(key=lambda r: (-r["counts"], r["intent"]))
        for i, r in enumerate(rows):
            r["intent"] = self.text(i, r["intent"])
        return rows

    def r_requests_hourly_counts_v2(self):
        if self.empty_range:
            return []
        weekdays = range(1, 8)
        if self.start is not None and self.end is not None and self.days < 7:
            seen, d = set(), self.start
            while d < self.end:
                seen.add(d.isoweekday())
                d = (d + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
            weekdays = sorted(seen)
        rows = []
        for wd in weekdays:
            for hr in range(24):
                x = self.h("cell", wd, hr, self.range_label)
                if x % 10 >= 4:
                    continue
                rows.append({"counts": 1 + (x >> 8) % 30 + (20 if 9 <= hr <= 17 else 0), "weekday": wd, "hour": hr})
        rows.sort(key=lambda r: (-r["counts"], r["weekday"], r["hour"]))
        return rows

    def _perf(self, key, idx, no_ratings=False, null_close=False):
        x = H("perf", key, self.range_label, self.salt)
        row = self._times(f"{key}|{self.range_label}", with_minmax=True, null_close=null_close)
        row.update({"max_close_time": row["avg_close_time"] and rnd(row["avg_close_time"] * 3),
                    "min_close_time": row["avg_close_time"] and rnd(row["avg_close_time"] / 4)})
        ratings = 0 if no_ratings else 1 + x % 20
        more = (ratings * (30 + (x >> 8) % 70)) // 100
        part = 5 + (x >> 16) % 40
        row.update({"ratings": ratings, "avg_rating": None if ratings == 0 else rnd(1 + (x >> 24) % 400 / 100, 2),
                    "ratings_more_than_3": more, "closed_conversations": (x >> 32) % (part + 1),
                    "participated_sessions": part, "replies": part * 2 + (x >> 40) % 10})
        return row

    def r_agents_performance(self):
        if self.empty_range:
            return []
        names = dict(AGENTS)
        ids = self.ids_or("agent_ids", [a for a, _ in AGENTS])
        rows = []
        for i, aid in enumerate(ids):
            name = names.get(aid, f"Agent {aid[:8]}")
            known = [a for a, _ in AGENTS]
            rows.append({"agent_id": aid if UUID_RE.match(aid) else fuuid("agent", aid),
                         "agent_name": self.text(i, name),
                         **self._perf(aid, i, no_ratings=(aid == known[3]), null_close=(aid == known[0]))})
        return rows

    def r_brains_performance(self):
        if self.empty_range:
            return []
        rows = []
        for i, bid in enumerate(self.ids_or("brain_parent_ids", BRAINS)):
            x = H("brainperf", bid, self.range_label, self.salt)
            rows.append({"brain_parent_id": bid, "containment": rnd(0.4 + (x % 550) / 1000),
                         "coverage": rnd(0.5 + ((x >> 12) % 480) / 1000),
                         "avg_confidence": rnd(0.5 + ((x >> 24) % 450) / 1000),
                         "median_confidence": rnd(0.55 + ((x >> 36) % 420) / 1000),
                         **self._perf(bid, i, null_close=(i == len(BRAINS) - 1))})
        return rows

    def _avg5(self, prefix, lo, spread):
        x = self.h(prefix, self.range_label)
        keys = ["", "_contained", "_non_contained", "_covered", "_non_covered"]
        if self.empty_range:
            return [{f"{prefix}{k}": None for k in keys}]
        row = {f"{prefix}{k}": rnd(lo + ((x >> (8 * j)) % 1000) / 1000 * spread) for j, k in enumerate(keys)}
        if (x >> 48) % 3 == 0:
            row[f"{prefix}_non_covered"] = None
        return [row]

    def r_brain_session_duration(self):
        return self._avg5("average_duration", 0.5, 12.0)

    def r_brain_session_number_messages(self):
        return self._avg5("average_messages", 1.0, 9.0)

    def r_brain_sessions_message_distribution(self):
        keys = ["one_message", "two_messages", "three_messages", "four_messages", "five_messages", "six_messages",
                "seven_messages", "eight_messages", "nine_messages", "ten_plus_messages"]
        if self.empty_range:
            return [{k: 0 for k in keys}]
        peak = 2 + self.h("peak", self.range_label) % 3
        return [{k: (self.h("dist", k, self.range_label) % 50 + max(0, 400 - 90 * abs(i - peak))) * self.factor
                 for i, k in enumerate(keys)}]

    def r_rating_feedback(self):
        if self.empty_range:
            return []
        n = min(50, 5 + self.h("n", self.range_label) % 20)
        allowed = [r for r in (self.args.get("ratings") or []) if r is not None and 1 <= r <= 5]
        if self.args.get("ratings") is not None and not allowed:
            return []
        agent_ids = self.ids_or("agent_ids", [a for a, _ in AGENTS])
        names = dict(AGENTS)
        brains = self.ids_or("brain_parent_ids", BRAINS) or BRAINS
        rows = []
        for i in range(n):
            x = self.h("fb", i, self.range_label)
            rating = allowed[x % len(allowed)] if allowed else 1 + x % 5
            if self.args.get("agent_ids") is None and (x >> 8) % 4 == 0:
                aid, aname = None, None  # rated the AI agent only, no human agent
            else:
                aid = agent_ids[(x >> 12) % len(agent_ids)] if agent_ids else None
                aname = aid and names.get(aid, f"Agent {aid[:8]}")
            bp = brains[(x >> 16) % len(brains)]
            version = (x >> 20) % 5
            is_test = False if self.args.get("is_test") is False else (x >> 24) % 7 == 0
            fb = None if (x >> 28) % 3 == 0 else FEEDBACKS[(x >> 32) % len(FEEDBACKS)]
            rows.append({"agent_id": aid if aid is None or UUID_RE.match(aid) else fuuid("agent", aid),
                         "agent_name": self.text(i, aname), "brain_id": fuuid("brain-version", bp, version),
                         "brain_parent_id": bp, "version": version, "rating": rating,
                         "feedback": self.text(i + 3, fb), "is_test": is_test})
        return rows

    def r_get_monthly_active_users(self):
        if self.start is None or self.end is None or self.end < self.start:
            return []
        rows, m = [], self.start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        while m <= self.end:
            label = m.strftime("%Y-%m")
            rows.append({"month_year": label, "unique_users": 500 + H("mau", label, self.salt) % 4000})
            m = add_months(m, 1)
        return rows

    def r_sessions_per_channel(self):
        if self.empty_range:
            return []
        rows = []
        for i, ch in enumerate(CHANNELS):
            u, s, r = self.traffic(f"{self.range_label}|{ch}", self.factor)
            rows.append({"channel": self.text(i, ch), "session_count": s, "user_count": u, "message_count": r})
        rows.sort(key=lambda r: -r["session_count"])
        return rows

    def r_get_meaningful_sessions_count_by_hour(self):
        if self.empty_range:
            return []
        return [{"hour": hr, "session_count": 1 + self.h("hr", hr, self.range_label) % 80}
                for hr in range(24) if self.h("hr?", hr, self.range_label) % 4 != 0]

    def r_get_meaningful_sessions_count_by_hour_range(self):
        hs = self.args.get("hour_start")
        he = self.args.get("hour_end")
        hs = 0 if hs is None else hs
        he = 23 if he is None else he
        return [{"session_count": 0 if self.empty_range else 10 + self.h("range", hs, he, self.range_label) % 2000,
                 "hour_range_start": hs, "hour_range_end": he}]

    def r_get_system_insights_performance(self):
        u, s, r = self.traffic(self.range_label, self.factor)
        if self.empty_range:
            s = 0
        x = self.h("insights", self.range_label)
        return [{"total_sessions": s, "contained_sessions": (s * (50 + x % 45)) // 100,
                 "covered_sessions": (s * (70 + (x >> 8) % 30)) // 100,
                 "avg_response_time": None if s == 0 else rnd(0.2 + (x >> 16) % 200 / 100, 2),
                 "avg_session_duration": None if s == 0 else rnd(1 + (x >> 24) % 900 / 100, 2),
                 "total_handovers": (s * ((x >> 32) % 20)) // 100}]

    # ---- sessions ----
    def _session(self, sid: str, i: int, content: bool, fixed: bool = False):
        """fixed: times depend on the session id only (lookups by id), not on the asked range."""
        x = H("session", sid)
        if fixed:
            start = datetime(2026, 1, 1) + timedelta(seconds=x % (300 * 86400), milliseconds=x % 997)
        else:
            start = self.in_range_time(i)
        dur = timedelta(seconds=30 + (x >> 8) % 1800, milliseconds=(x >> 4) % 1000)
        chans = self.args.get("channels") or CHANNELS
        ch = chans[(x >> 12) % len(chans)] or "web"
        ratings = self.args.get("ratings")
        rating = (ratings[(x >> 16) % len(ratings)] if ratings else (None if (x >> 16) % 3 == 0 else 1 + (x >> 18) % 5))
        bp = self.ids_or("brain_parent_ids", BRAINS)
        bp = bp[(x >> 20) % len(bp)] if bp else BRAINS[0]
        desks = self.ids_or("desk_ids", DESKS)
        human = (x >> 24) % 3 == 0
        agent = AGENTS[(x >> 26) % len(AGENTS)][0] if human else None
        contained = False if human else (x >> 28) % 5 != 0
        n_user = 1 + (x >> 30) % 9
        t = lambda k, v: self.text(i + k, v)  # noqa: E731
        row = {
            "session_id": sid, "account_id": ACCOUNT_ID,
            "avg_confidence": None if (x >> 32) % 7 == 0 else rnd(0.5 + (x >> 34) % 500 / 1000),
            "min_confidence": None if (x >> 32) % 7 == 0 else rnd(0.1 + (x >> 36) % 400 / 1000),
            "brain_id": fuuid("brain-version", bp, 1), "brain_parent_id": bp, "brain_version": 1 + (x >> 38) % 4,
            "channel": t(0, ch), "channel_user_id": t(1, None if ch == "web" else f"{ch}-{x % 10**9}"),
            "user_id": t(2, f"user-{(x >> 40) % 100000}"),
            "user_name": t(3, None if (x >> 42) % 2 else f"Customer {(x >> 40) % 1000}"),
            "user_email": t(4, None if (x >> 42) % 2 else f"customer{(x >> 40) % 1000}@example.com"),
            "desk_id": desks[(x >> 44) % len(desks)] if desks else DESKS[0], "start_time": fmt_ts(start),
            "end_time": fmt_ts(start + dur), "expired_time": fmt_ts(start + dur + timedelta(hours=1)),
            "external_user_id": t(5, None), "integration_id": fuuid("integration", ch),
            "is_contained": contained, "is_covered": (x >> 46) % 6 != 0,
            "is_test": False if self.args.get("is_test") is False else (x >> 48) % 9 == 0,
            "participated_brains": [bp], "participated_collections": [],
            "participated_agents": [agent] if agent else [], "rating": rating,
            "feedback": t(6, None if rating is None or (x >> 50) % 2 else FEEDBACKS[(x >> 52) % len(FEEDBACKS)]),
            "tags": [t(7, "vip-user")] if (x >> 54) % 4 == 0 else [],
            "rule_ids": [], "total_user_messages": n_user,
            "avg_human_response_time": rnd(0.2 + (x >> 56) % 300 / 100) if human else None,
            "avg_response_time": rnd(0.5 + (x >> 58) % 30 / 10),
            "human_first_response_time": rnd(0.3 + (x >> 57) % 400 / 100) if human else None,
        }
        if content:
            msgs = []
            tm = start
            for k in range(n_user):
                tm += timedelta(seconds=5 + (x >> k) % 40, milliseconds=(x >> (k + 3)) % 1000)
                msgs.append({"time": fmt_ts(tm), "event": "message:received", "context": None,
                             "message": {"text": self.text(i + 10 + k, f"user message {k + 1}")},
                             "agent_id": None, "request_id": fuuid("req", sid, k), "first_message": k == 0,
                             "response_time": None})
                tm += timedelta(seconds=1, milliseconds=(x >> (k + 5)) % 1000)
                msgs.append({"time": fmt_ts(tm), "event": "message:brain_send", "context": None,
                             "message": {"intents": [{"intent": INTENTS[(x >> k) % 12], "confidence": 0.77}],
                                         "entities": [],
                                         "responses": [{"text": self.text(i + 20 + k, f"bot reply {k + 1}"),
                                                        "type": "text", "action_id": fuuid("action", k)}]},
                             "agent_id": None, "request_id": fuuid("req", sid, k), "first_message": False,
                             "response_time": 1.2})
            row.update({"messages": msgs, "csat_brain": None, "csat_human_agent": None, "goal_achieved": None,
                        "insights": None, "user_sentiment": None})
        return row

    def _content(self):
        sid = self.args.get("session_id")
        if sid is None or sid.startswith("00000000"):
            return []
        return [self._session(sid, 0, content=True, fixed=True)]

    r_log_session_content_v2 = _content
    r_get_session_content = _content

    def _preview(self):
        sid = self.args.get("session_id")
        if sid is not None:
            return [] if sid.startswith("00000000") else [self._session(sid, 0, content=False, fixed=True)]
        if self.empty_range:
            return []
        n = 20 + self.h("n", self.range_label) % 20
        rows = [self._session(fuuid("session", self.range_label, self.salt, i), i, content=False) for i in range(n)]
        rows.sort(key=lambda r: r["start_time"], reverse=True)
        return rows

    r_logs_sessions_preview_v2 = _preview
    r_get_sessions = _preview


def make_resolver(root: str):
    def resolve(_obj, info, args=None, limit=None):
        ctx = info.context
        if limit is not None and limit < 0:
            raise data_error(f'unexpected negative value for "limit": {limit}')
        if ctx.get("empty"):
            return []
        rows = Gen(root, args, ctx).run()
        if limit is None and root == "top_intents_v2":
            limit = 10
        return rows if limit is None else rows[:limit]

    return resolve


for _root in ROOTS:
    SCHEMA.query_type.fields[_root].resolve = make_resolver(_root)
for _root in drifted_roots():
    _original = next((k for k, v in DRIFT_RENAMED.items() if v == _root), _root)
    DRIFTED_SCHEMA.query_type.fields[_root].resolve = make_resolver(_original)

# --------------------------------------------------------------------------------------------------
# State and HTTP
# --------------------------------------------------------------------------------------------------

MODES = {"ok", "unauthorized", "rate_limited", "unavailable", "errors", "empty", "hostile"}
DEFAULT_SCENARIO = {"mode": "ok", "latency_ms": 0, "retry_after": 1, "fail_times": -1, "bucket_align": "start",
                    "schema": "assumed", "operations": None, "spike": None, "introspection": True}
LOCK = threading.Lock()
STATE = {"scenario": dict(DEFAULT_SCENARIO, remaining=-1), "log": [], "in_flight": {}, "peak_in_flight": {}}


def err(message: str, code: str) -> dict:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def take_scenario(op_name: str | None) -> tuple[str, dict]:
    """The mode that applies to this GraphQL request (consumes one of fail_times)."""
    with LOCK:
        sc = STATE["scenario"]
        snapshot = dict(sc)
        if sc["operations"] is not None and op_name not in sc["operations"]:
            return "ok", snapshot
        if sc["remaining"] == 0:
            return "ok", snapshot
        if sc["remaining"] > 0:
            sc["remaining"] -= 1
        return sc["mode"], snapshot


def run_graphql(body, mode: str, scenario: dict) -> tuple[str | None, dict]:
    """Returns (operation name, response body). Always HTTP 200."""
    if not isinstance(body, dict):
        return None, err("the request body must be a JSON object", "parse-failed")
    query = body.get("query")
    op_name = body.get("operationName")
    variables = body.get("variables")
    if variables is None:
        variables = {}
    if not isinstance(query, str):
        return op_name, err("the key 'query' was not present", "parse-failed")
    if op_name is not None and not isinstance(op_name, str):
        return None, err("operationName must be a string", "validation-failed")
    if not isinstance(variables, dict):
        return op_name, err("variables must be a JSON object", "validation-failed")
    try:
        document = parse(query)
    except GraphQLError as e:
        return op_name, err(f"not a valid graphql query: {e.message}", "validation-failed")
    schema = DRIFTED_SCHEMA if scenario["schema"] == "drifted" else SCHEMA
    if not scenario.get("introspection", True) and ("__schema" in query or "__type" in query):
        # As Hasura answers when introspection is disabled for the role.
        return op_name, err("field '__schema' not found in type: 'query_root'", "validation-failed")
    errors = validate(schema, document)
    if errors:
        return op_name, {"errors": [{"message": e.message, "extensions": {"code": "validation-failed"}}
                                    for e in errors]}
    op = get_operation_ast(document, op_name)
    if op is None:
        msg = (f"no such operation found in the document: {op_name}" if op_name
               else "exactly one operation has to be present in the document when operationName is not specified")
        return op_name, err(msg, "validation-failed")
    op_name = op.name.value if op.name else op_name
    if op.operation.value != "query":
        return op_name, err(f"{op.operation.value} operations are not supported by this API", "validation-failed")
    declared = {d.variable.name.value for d in op.variable_definitions or []}
    unexpected = [k for k in variables if k not in declared]
    if unexpected:
        return op_name, err("unexpected variables in variableValues: " + ", ".join(unexpected), "validation-failed")
    coerced = get_variable_values(schema, op.variable_definitions or [], variables)
    if isinstance(coerced, list):
        return op_name, {"errors": [{"message": e.message, "extensions": {"code": "validation-failed"}}
                                    for e in coerced]}
    if mode == "errors":
        return op_name, err(f"database query error in operation {op_name or '<anonymous>'} (stand-in scenario)",
                            "unexpected")
    ctx = {"empty": mode == "empty", "hostile": mode == "hostile", "bucket_align": scenario["bucket_align"],
           "spike": scenario.get("spike")}
    result = execute(schema, document, context_value=ctx, variable_values=variables, operation_name=op_name)
    if result.errors:
        out = []
        for e in result.errors:
            code = (e.extensions or {}).get("code", "unexpected")
            out.append({"message": e.message, "extensions": {"code": code}})
        return op_name, {"errors": out}
    return op_name, {"data": result.data}


def op_name_of(body) -> str | None:
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("operationName"), str):
        return body["operationName"]
    q = body.get("query")
    if isinstance(q, str):
        m = re.search(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)", q)
        if m:
            return m.group(1)
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "moveo-standin/1"

    def log_message(self, fmt, *args):  # noqa: A003
        if VERBOSE:
            sys.stderr.write("standin: " + (fmt % args) + "\n")

    def _send(self, status: int, obj=None, headers: dict | None = None, text: str | None = None):
        if text is not None:
            data, ctype = text.encode(), "text/plain; charset=utf-8"
        else:
            data, ctype = json.dumps(obj, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _read_body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):  # noqa: N802
        path = self.path.split("?", 1)[0]
        if path == "/healthz":
            self._send(200, text="OK")
        elif path == "/_control/log":
            with LOCK:
                self._send(200, list(STATE["log"]))
        elif path == "/_control/scenario":
            with LOCK:
                self._send(200, {"ok": True, "scenario": dict(STATE["scenario"])})
        elif path == "/_control/stats":
            with LOCK:
                self._send(200, {"peak_in_flight": dict(STATE["peak_in_flight"]),
                                 "requests": len(STATE["log"])})
        elif path == "/v1/graphql":
            self._send(405, err("use POST for /v1/graphql", "method-not-allowed"))
        else:
            self._send(404, {"error": f"no route {path}"})

    def do_POST(self):  # noqa: N802
        path = self.path.split("?", 1)[0]
        raw = self._read_body()
        if path == "/v1/graphql":
            self._graphql(raw)
        elif path == "/_control/scenario":
            self._scenario(raw)
        elif path == "/_control/reset":
            with LOCK:
                STATE["scenario"] = dict(DEFAULT_SCENARIO, remaining=-1)
                STATE["log"].clear()
                STATE["peak_in_flight"].clear()
            self._send(200, {"ok": True})
        else:
            self._send(404, {"error": f"no route {path}"})

    def _scenario(self, raw: bytes):
        try:
            body = json.loads(raw or b"{}")
        except ValueError as e:
            return self._send(400, {"ok": False, "error": f"invalid JSON: {e}"})
        if not isinstance(body, dict):
            return self._send(400, {"ok": False, "error": "body must be a JSON object"})
        unknown = sorted(set(body) - set(DEFAULT_SCENARIO))
        if unknown:
            return self._send(400, {"ok": False, "error": f"unknown keys: {', '.join(unknown)}"})
        sc = dict(DEFAULT_SCENARIO)
        sc.update({k: v for k, v in body.items() if v is not None})
        if sc["mode"] not in MODES:
            return self._send(400, {"ok": False, "error": f"mode must be one of {sorted(MODES)}"})
        if sc["bucket_align"] not in ("start", "calendar"):
            return self._send(400, {"ok": False, "error": "bucket_align must be 'start' or 'calendar'"})
        if sc["schema"] not in ("assumed", "drifted"):
            return self._send(400, {"ok": False, "error": "schema must be 'assumed' or 'drifted'"})
        if not isinstance(sc["introspection"], bool):
            return self._send(400, {"ok": False, "error": "introspection must be true or false"})
        spike = sc["spike"]
        if spike is not None and not (isinstance(spike, dict) and isinstance(spike.get("date"), str)
                                      and isinstance(spike.get("factor"), int) and spike["factor"] >= 0):
            return self._send(400, {"ok": False, "error": "spike must be {\"date\": \"YYYY-MM-DD\", \"factor\": int >= 0}"})
        ops = sc["operations"]
        if ops is not None and (not isinstance(ops, list) or not all(isinstance(o, str) for o in ops)):
            return self._send(400, {"ok": False, "error": "operations must be a list of operation names"})
        for k, lo in (("latency_ms", 0), ("retry_after", 0), ("fail_times", -1)):
            if isinstance(sc[k], bool) or not isinstance(sc[k], int) or sc[k] < lo:
                return self._send(400, {"ok": False, "error": f"{k} must be an integer >= {lo}"})
        sc["remaining"] = sc["fail_times"]
        with LOCK:
            STATE["scenario"] = sc
        self._send(200, {"ok": True, "scenario": dict(sc)})

    def _graphql(self, raw: bytes):
        account = self.headers.get("X-Moveo-Account-Id") or "(none)"
        with LOCK:
            flight = STATE["in_flight"]
            flight[account] = flight.get(account, 0) + 1
            peak = STATE["peak_in_flight"]
            peak[account] = max(peak.get(account, 0), flight[account])
        try:
            self._graphql_counted(raw)
        finally:
            with LOCK:
                STATE["in_flight"][account] -= 1

    def _graphql_counted(self, raw: bytes):
        try:
            body = json.loads(raw) if raw else None
            bad_json = None if raw else "empty request body"
        except ValueError as e:
            body, bad_json = None, str(e)
        op_name = op_name_of(body)
        mode, sc = take_scenario(op_name)
        if sc["latency_ms"]:
            time.sleep(sc["latency_ms"] / 1000)
        headers = {}
        account = self.headers.get("X-Moveo-Account-Id")
        auth_ok = account in ACCOUNTS and self.headers.get("Authorization") == f"apikey {ACCOUNTS[account]}"
        if mode == "unauthorized" or not auth_ok:
            status, resp = 401, err("invalid api key", "access-denied")
        elif mode == "rate_limited":
            status, resp = 429, err("rate limit exceeded", "rate-limited")
            headers["Retry-After"] = str(sc["retry_after"])
        elif mode == "unavailable":
            status, resp = 503, err("service unavailable", "unavailable")
        elif bad_json is not None:
            status, resp = 400, err(f"invalid JSON body: {bad_json}", "invalid-json")
        else:
            status = 200
            try:
                op_name, resp = run_graphql(body, mode, sc)
            except Exception as e:  # a bug in the stand-in: say so rather than hang the test
                status, resp = 500, err(f"stand-in internal error: {type(e).__name__}: {e}", "unexpected")
        entry = {"operationName": op_name, "account": self.headers.get("X-Moveo-Account-Id"),
                 "variables": body.get("variables") if isinstance(body, dict) else None,
                 "status": status, "response": resp,
                 "query": body.get("query") if isinstance(body, dict) else None}
        with LOCK:
            STATE["log"].append(entry)
        self._send(status, resp, headers)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True


def watch_stdin():
    try:
        while sys.stdin.buffer.read(65536):
            pass
    except Exception:
        pass
    os._exit(0)


def main():
    server = Server(("127.0.0.1", 0), Handler)
    if os.environ.get("STANDIN_IGNORE_STDIN") != "1":
        threading.Thread(target=watch_stdin, daemon=True).start()
    sys.stdout.write(f"PORT={server.server_address[1]}\n")
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
