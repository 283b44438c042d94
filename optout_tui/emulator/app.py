"""The emulator's ASGI app: the three vendor APIs, the NHN token endpoint and the control endpoints
on one origin, so a profile points every URL at the same base."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware

from . import control, hub, mailer, nhn_email, nhn_sms, oauth, sens, throttle
from .config import EmulatorConfig
from .state import EmulatorState


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    """An ASGI app serving fresh sample data for `config`; also usable with httpx.ASGITransport."""
    state = EmulatorState(config)
    routes = [*sens.routes(), *mailer.routes(), *hub.routes(), *oauth.routes(), *control.routes(), *throttle.routes()]
    routes += nhn_email.routes()
    routes += nhn_sms.routes()
    app = Starlette(routes=routes, middleware=[Middleware(throttle.Throttle)])  # the gateways' limits, before routing
    app.state.emulator = state
    app.state.initial_config = state.config.copy()
    return app
