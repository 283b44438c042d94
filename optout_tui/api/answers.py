"""Reading a vendor's successful answer: JSON of the expected shape, or one clear ApiError."""

from __future__ import annotations

from typing import Any

from .errors import ApiError


def json_answer(response: Any, service: str, expect: type = dict) -> Any:
    """The answer's JSON as `expect` (dict or list); a JSON object wrapping one list is accepted for a list."""
    try:
        data = response.json()
    except ValueError:
        raise ApiError(service, "the answer was not JSON", status=response.status_code) from None
    if expect is list and isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, expect):
        shape = "a JSON array" if expect is list else "a JSON object"
        raise ApiError(service, f"the answer was not {shape}", status=response.status_code)
    return data


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
