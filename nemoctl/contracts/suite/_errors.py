"""What every error the gateway relays must look like: OpenAI-shaped, with a usable ``type``."""

from __future__ import annotations

from typing import Any


def check_error(response: Any, statuses: set[int], record_property: Any) -> dict[str, Any]:
    """Record status/type/code, then assert the OpenAI shape and a real ``type``.

    OpenAI clients branch on ``error.type``; the string ``"None"`` (what older versions
    send for an unknown model) or a message that is a stringified dict gives them nothing.
    """
    record_property("status", str(response.status_code))
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        record_property("type", str(error.get("type")))
        record_property("code", str(error.get("code")))
    expected = "4xx" if len(statuses) > 10 else "/".join(map(str, sorted(statuses)))
    assert response.status_code in statuses, (
        f"expected status {expected}, got {response.status_code}: {response.text[:300]}"
    )
    assert isinstance(error, dict), f"error body is not OpenAI-shaped: {response.text[:300]}"
    missing = [key for key in ("message", "type", "code") if key not in error]
    assert not missing, f"error object lacks {missing}: {error}"
    message = error["message"]
    assert isinstance(message, str) and message, f"error message is {message!r}"
    kind = error["type"]
    assert isinstance(kind, str) and kind and kind != "None", (
        f"error type is {kind!r}, not a usable error type (message: {message[:160]!r})"
    )
    assert not message.lstrip().startswith("{"), (
        f"error message is a stringified object, not a message: {message[:160]!r}"
    )
    return error
