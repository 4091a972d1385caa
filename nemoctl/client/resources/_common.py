"""What every resource shares: building a POST's options, and turning an :class:`Answer`
into a typed response."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError

from nemoctl.client._base_client import NOT_GIVEN, Answer, RequestOptions
from nemoctl.client._exceptions import ResponseValidationError
from nemoctl.client._response import COST_HEADER, GatewayMeta, litellm_headers, parse_cost
from nemoctl.client._retry import TimeoutArg
from nemoctl.client._secret import scrub_bytes
from nemoctl.client.types._base import BilledResponse, GatewayResponse

if TYPE_CHECKING:
    from nemoctl.client._client import AsyncGateway, Gateway

R = TypeVar("R", bound=GatewayResponse)


def post_options(
    client: Gateway | AsyncGateway,
    path: str,
    body: dict[str, Any],
    *,
    stream: bool,
    gateway_retries: int | None,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, object] | None,
    extra_body: object | None,
    timeout: TimeoutArg,
    max_retries: int,
    retry_ambiguous: bool,
) -> RequestOptions:
    """The options of one POST: ``stream`` and LiteLLM's ``num_retries`` (the call's
    ``gateway_retries``, else the client's) in the body, openai's ``extra_*`` applied."""
    if stream:
        body["stream"] = True
    retries = client.gateway_retries if gateway_retries is NOT_GIVEN else gateway_retries
    if retries is not None:
        body["num_retries"] = retries
    return RequestOptions(
        "POST", path, json_body=merge_body(body, extra_body), params=extra_query,
        extra_headers=extra_headers, timeout=timeout, max_retries=max_retries,
        retry_ambiguous=retry_ambiguous, stream=stream,
    )  # fmt: skip


def parse_model(cls: type[R], answer: Answer, *, billed: bool) -> R:
    try:
        obj = cls.model_validate_json(answer.content)
    except ValidationError as exc:
        raise ResponseValidationError(
            f"the gateway's answer is not a {cls.__name__}: {exc.error_count()} problem(s), "
            f"first: {exc.errors()[0]['msg']}",
            call_id=answer.call_id,
        ) from None
    headers = answer.response.headers
    meta = GatewayMeta.from_headers(
        headers, cost=None, with_breakdown=billed, fallback_call_id=answer.call_id
    )
    if billed and isinstance(obj, BilledResponse):
        cost = parse_cost(
            litellm_headers(headers).get(COST_HEADER),
            source=f"{COST_HEADER} header",
            call_id=meta.call_id,
            stacklevel=5,
        )
        meta = dataclasses.replace(meta, cost=cost)
    obj._meta = meta
    obj._raw = answer.raw()
    return obj


def parse_json(answer: Answer) -> Any:
    try:
        return json.loads(answer.content)
    except ValueError:
        raise ResponseValidationError(
            f"the gateway's answer is not JSON: "
            f"{scrub_bytes(answer.content, *answer.secrets)[:200]!r}",
            call_id=answer.call_id,
        ) from None


def merge_body(body: dict[str, Any], extra_body: Any) -> dict[str, Any]:
    """openai-python's ``extra_body``: merged into the JSON body, winning over named params."""
    if extra_body:
        body.update(extra_body)
    return body


def check_params(method: str, params: dict[str, Any], allowed: frozenset[str]) -> None:
    """Refuse an unknown keyword argument as openai-python does (a ``TypeError``), so a typo
    such as ``temprature=`` is not sent silently; LiteLLM extras go in ``extra_body``."""
    for name in params:
        if name not in allowed:
            raise TypeError(f"{method}() got an unexpected keyword argument {name!r}")
