"""Everything one emulator holds: its settings, the three lists, issued tokens, faults and counters.

Reached in-process as `EmulatorServer.state` (for test assertions only; clients go over HTTP).
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from .clock import start_of_utc_day_ms
from .config import EmulatorConfig
from .faults import Faults
from .hub_store import HubStore
from .mail_store import MailStore
from .nhn_email_store import NhnEmailStore, sample_rows
from .nhn_sms_store import NhnSmsStore, sample_numbers
from .responses import SensErrors
from .sample_data import email_rows, numbers_080, sms_arrays
from .sms_store import SmsStore
from .tokens import TokenStore


class Stats:
    def __init__(self) -> None:
        self.requests = 0
        self.by_route: Counter[str] = Counter()

    def count(self, route: str) -> None:
        self.requests += 1
        self.by_route[route] += 1

    def reset(self) -> None:
        self.requests = 0
        self.by_route.clear()


class EmulatorState:
    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = dataclasses.replace(config) if config is not None else EmulatorConfig()
        cfg = self.config
        self.anchor_ms = cfg.anchor_ms if cfg.anchor_ms is not None else start_of_utc_day_ms()
        self.sms = SmsStore(sms_arrays(cfg.sms_count, cfg.seed, self.anchor_ms))
        self.mail = MailStore(email_rows(cfg.email_count, cfg.seed, self.anchor_ms), cfg.mailer_case_sensitive)
        self.hub = HubStore(numbers_080(cfg.seed, self.anchor_ms))
        self.nhn_email = NhnEmailStore(
            sample_rows(cfg.nhn_email_count, cfg.seed, self.anchor_ms, self.mail.addresses),
            cfg.nhn_email_case_sensitive,
            cfg.nhn_email_address_match == "partial",
        )
        self.nhn_sms = NhnSmsStore(sample_numbers(cfg.seed, self.anchor_ms))
        self.tokens = TokenStore()
        self.faults = Faults(cfg.seed)
        self.stats = Stats()
        self.sens_errors = SensErrors(cfg.sens_error_shape)

    @property
    def credentials(self):
        return self.config.credentials

    def stats_json(self) -> dict:
        return {
            "requests": self.stats.requests,
            "by_route": dict(self.stats.by_route),
            "faults": self.faults.injected,
        }

    def reset_stats(self) -> None:
        self.stats.reset()
        self.faults.injected = 0
