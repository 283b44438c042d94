"""NHN Cloud access tokens: POST /oauth2/token/create and /oauth2/token/revoke.

Basic base64(userAccessKeyId:secretAccessKey), form body `grant_type=client_credentials` ->
{"access_token", "token_type": "Bearer", "expires_in"}. Errors use the RFC 6749 body
{"error", "error_description"}: 401 invalid_client, 400 unsupported_grant_type / invalid_request.
Revoking answers 200 with no body, known token or not (RFC 7009).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .gate import ALL_METHODS, endpoint
from .responses import json_response, oauth_error
from .state import EmulatorState


def _client_refused(request: Request, state: EmulatorState) -> Response | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    try:
        key_id, _, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        key_id = secret = ""
    creds = state.credentials
    good = (
        scheme.lower() == "basic"
        and hmac.compare_digest(key_id.encode(), creds.nhn_user_access_key_id.encode())
        and hmac.compare_digest(secret.encode(), creds.nhn_secret_access_key.encode())
    )
    if good:
        return None
    return oauth_error(
        401,
        "invalid_client",
        "the user access key id or secret access key is wrong",
        {"WWW-Authenticate": 'Basic realm="oauth"'},
    )


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body).items()}


async def create_token(request: Request, state: EmulatorState) -> Response:
    form = await _form(request)
    if form.get("grant_type") != "client_credentials":
        return oauth_error(400, "unsupported_grant_type", "grant_type must be client_credentials")
    ttl = state.config.token_ttl
    return json_response({"access_token": state.tokens.issue(ttl), "token_type": "Bearer", "expires_in": ttl})


async def revoke_token(request: Request, state: EmulatorState) -> Response:
    token = (await _form(request)).get("token")
    if not token:
        return oauth_error(400, "invalid_request", "token is required")
    state.tokens.revoke(token)
    return Response(status_code=200)


def _not_allowed(request: Request, state: EmulatorState) -> Response:
    return oauth_error(405, "invalid_request", f"method {request.method} is not supported")


def routes() -> list[Route]:
    create = endpoint("oauth", {"POST": ("oauth.create", create_token)}, _client_refused, _not_allowed)
    revoke = endpoint("oauth", {"POST": ("oauth.revoke", revoke_token)}, _client_refused, _not_allowed)
    return [
        Route("/oauth2/token/create", create, methods=ALL_METHODS),
        Route("/oauth2/token/revoke", revoke, methods=ALL_METHODS),
    ]
