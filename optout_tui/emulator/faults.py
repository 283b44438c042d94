"""Injected failures: a deterministic rate (from the seed) and a queue of "fail the next N" orders.

Each vendor fails in its own words: the NCP gateway body for SENS and the Mailer, the NHN header for
the Hub, an RFC 6749 body for the token endpoint. A "timeout" hangs, then answers 504.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from starlette.responses import Response

from .responses import gateway_error, hub_failure, json_response, oauth_error

KINDS = ("429", "503", "timeout")
ROUTES = ("sens", "mailer", "hub", "oauth", "nhn-email", "nhn-sms", "any")
STATUSES = ("429", "503", "500", "401", "timeout")


@dataclass(slots=True)
class Order:
    count: int
    status: str  # one of STATUSES
    route: str  # one of ROUTES
    retry_after: float | None


@dataclass(frozen=True, slots=True)
class Fault:
    status: str
    retry_after: float | None


class Faults:
    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"faults:{seed}")
        self._turn = 0
        self.orders: list[Order] = []
        self.injected = 0

    def add_order(self, order: Order) -> None:
        self.orders.append(order)

    def pick(self, vendor: str, rate: float, retry_after: float | None) -> Fault | None:
        """The fault for this request, if any: queued orders first, then the random rate."""
        for order in self.orders:
            if order.route in ("any", vendor):
                order.count -= 1
                if order.count <= 0:
                    self.orders.remove(order)
                self.injected += 1
                return Fault(order.status, order.retry_after)
        if rate > 0 and self._rng.random() < rate:
            kind = KINDS[self._turn % 3]
            self._turn += 1
            self.injected += 1
            return Fault(kind, retry_after if kind == "429" else None)
        return None


def _retry_header(fault: Fault) -> dict[str, str] | None:
    if fault.retry_after is None:
        return None
    value = fault.retry_after
    return {"Retry-After": str(int(value)) if float(value).is_integer() else str(value)}


async def respond(fault: Fault, vendor: str, hang_seconds: float) -> Response:
    status = fault.status
    if status == "timeout":
        await asyncio.sleep(hang_seconds)
        status = "504"
    headers = _retry_header(fault) if status == "429" else None
    if vendor in ("sens", "mailer"):
        gateway_code = {"429": "420", "503": "500", "500": "900", "401": "200", "504": "510"}[status]
        return gateway_error(int(status), gateway_code, headers)
    if vendor == "hub":  # NHN's own codes only (none invented): see responses.HUB_CODES
        return hub_failure(int(status), headers)
    if vendor.startswith("nhn-"):  # NHN Cloud SMS and Email: their header, with codes that mean the same in both
        code, message = (-1000, "Invalid appKey.") if status == "401" else (-9999, "System error.")
        header = {"isSuccessful": False, "resultCode": code, "resultMessage": message}
        return json_response({"header": header, "body": None}, int(status), headers)
    error = {
        "429": "too_many_requests",
        "503": "temporarily_unavailable",
        "500": "server_error",
        "401": "invalid_client",
        "504": "temporarily_unavailable",
    }[status]
    return oauth_error(int(status), error, "injected by the emulator", headers)
