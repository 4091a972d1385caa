"""Contract: the response body's ``model`` is the model group the client asked for.

Clients of the gateway key their own logic (and their logs) on the model they requested;
a version that answers with the provider's model name instead changes what they see."""

from __future__ import annotations

from typing import Any

from nemoctl.contracts.suite import gateway


def test_body_model_is_model_group(
    chat_response: Any, stream_response: Any, embedding_response: Any, record_property: Any
) -> None:
    """Body model: the ``model`` in a chat completion, in every stream chunk and in an
    embedding response is the requested model group, not the provider's model."""
    assert chat_response.status_code == 200, chat_response.text[:300]
    chat = chat_response.json().get("model")
    chunks = list(gateway.sse_chunks(stream_response.text))
    stream = sorted({str(c.get("model")) for c in chunks if "model" in c})
    embedding = embedding_response.json().get("model")
    record_property("chat_model", str(chat))
    record_property("stream_model", ",".join(stream) or "none")
    record_property("embedding_model", str(embedding))
    wrong = []
    if chat != gateway.CHAT_MODEL:
        wrong.append(f"chat completion says {chat!r}")
    if stream != [gateway.CHAT_MODEL]:
        wrong.append(f"stream chunks say {stream}")
    if embedding != gateway.EMBED_MODEL:
        wrong.append(f"embedding says {embedding!r}")
    assert not wrong, (
        f"expected the requested groups {gateway.CHAT_MODEL!r}/{gateway.EMBED_MODEL!r}: "
        + "; ".join(wrong)
    )
