"""Latency counts from when a request reached the app, not from when its handler got its turn.

A single-threaded emulator works through requests that came in together one after another; if
each answer were held `latency` after its handler started, the eighth of eight would wait seven
handlers longer than the first, and latency would grow with the requests in flight.

The gate is given a clock that only moves when a request is worked on (a second per request), so
the test reads exact times, whatever the machine's speed.
"""

from __future__ import annotations

import asyncio

import pytest

from optout_tui.emulator import EmulatorConfig, gate
from optout_tui.emulator.app import create_app

from .conftest import SENS_PATH


async def unsigned_get(app) -> int:
    """One GET of the SENS list straight into the ASGI app, as a server would call it; its status."""
    scope = {
        "type": "http",
        "method": "GET",
        "path": SENS_PATH,
        "raw_path": SENS_PATH.encode(),
        "query_string": b"",
        "headers": [],
        "http_version": "1.1",
        "scheme": "http",
        "root_path": "",
        "server": None,
        "client": None,
    }
    messages: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    await app(scope, receive, send)
    return messages[0]["status"]


@pytest.mark.parametrize(
    "latency_ms,held_until",
    [(10_000, [110.0] * 8), (2_500, [102.5, 102.5])],
    ids=["work within the latency: all leave together", "work past it: the rest leave at once"],
)
async def test_requests_sent_together_are_answered_latency_after_they_came_in(monkeypatch, latency_ms, held_until):
    app = create_app(EmulatorConfig(sms_count=10, email_count=10, latency_ms=latency_ms))
    now = [100.0]
    held: list[float] = []  # when each held answer is due to leave

    def check_signature(*args) -> str:  # each request's own work: one second of the gate's clock
        now[0] += 1.0
        return "unsigned"

    async def sleep(delay):
        if delay > 0:
            held.append(now[0] + delay)
        await asyncio.sleep(0)

    monkeypatch.setattr(gate, "monotonic", lambda: now[0])
    monkeypatch.setattr(gate, "sleep", sleep)
    monkeypatch.setattr(gate, "verify", check_signature)
    statuses = await asyncio.gather(*(unsigned_get(app) for _ in range(8)))
    assert statuses == [401] * 8  # the gateway's answer, after the latency like any other
    assert now[0] == 108.0  # every request was worked on
    assert held == held_until
