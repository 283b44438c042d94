"""A faithful stand-in for the five vendor APIs (SENS, Outbound Mailer, Notification Hub + NHN OAuth, NHN Cloud
SMS's 080 recipients, NHN Cloud Email's blocked receivers), written from the docs in shared/api/ and what was
seen live (one option per behaviour the evidence leaves open), reached only over HTTP so the demo and the tests run the same
client code as production, signing included.

    from optout_tui.emulator import EmulatorConfig, EmulatorServer, DEMO
    with EmulatorServer(EmulatorConfig(sms_count=500)) as server:
        ...  # point every URL at server.base_url, mailer_url at base_url + "/api/v1" (demo.demo_settings does)

Modules: config (settings, demo credentials), sample_data, one store and one route module per vendor
(sms_store+sens, mail_store+mailer, hub_store+hub, nhn_sms_store+nhn_sms, nhn_email_store+nhn_email,
tokens+oauth), gate (latency, faults, NCP signatures), faults, throttle (rate limit and quota per vendor
service), control (/_emulator/...), app (create_app), server (EmulatorServer in a thread), process
(EmulatorProcess: the standalone command in a child process, for end-to-end tests and benchmarks).
Where the docs are silent, each route module's docstring says what was chosen (codes, defaults).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import DEMO, Credentials, EmulatorConfig

if TYPE_CHECKING:
    from .app import create_app
    from .server import EmulatorServer

__all__ = ["DEMO", "Credentials", "EmulatorConfig", "EmulatorServer", "create_app"]


def __getattr__(name: str) -> Any:
    # Starlette loads only when an emulator is actually built.
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "EmulatorServer":
        from .server import EmulatorServer

        return EmulatorServer
    raise AttributeError(name)
