"""Password redaction and URL handling (pure; no server needed)."""

from __future__ import annotations

import pytest

from nemoctl.db import DatabaseError, parse_url, redact_text, redact_url


def test_redact_url_masks_userinfo_password() -> None:
    assert (
        redact_url("postgresql://gw:s3cret@db.internal:5432/litellm")
        == "postgresql://gw:***@db.internal:5432/litellm"
    )


def test_redact_url_masks_password_query_parameter() -> None:
    out = redact_url("postgresql://db/litellm?sslmode=require&password=hunter2")
    assert "hunter2" not in out
    assert "sslmode=require" in out


def test_redact_url_leaves_password_free_url_alone() -> None:
    url = "postgresql://postgres@127.0.0.1:5432/postgres"
    assert redact_url(url) == url


def test_redact_text_masks_known_secret_encoded_pairs_and_urls() -> None:
    text = (
        'connection to "db" failed for user gw with p%40ss and p@ss; '
        "conninfo password=p@ss host=db; see postgresql://gw:other@db/x"
    )
    out = redact_text(text, "p@ss")
    for secret in ("p@ss", "p%40ss", "other"):
        assert secret not in out
    assert "postgresql://gw:***@db/x" in out


def test_parse_url_hides_password_in_str_and_repr() -> None:
    url = parse_url("postgresql://gw:s3cret@db:5432/litellm")
    assert url.password == "s3cret"
    assert "s3cret" not in str(url)
    assert "s3cret" not in repr(url)


def test_parse_url_splits_prisma_schema_and_drops_prisma_only_params() -> None:
    url = parse_url("postgresql://gw@db/litellm?schema=gateway&connection_limit=5&sslmode=disable")
    assert url.schema == "gateway"
    assert "schema=" not in url.conninfo
    assert "connection_limit" not in url.conninfo
    assert "sslmode=disable" in url.conninfo
    assert parse_url("postgresql://gw@db/litellm").schema == "public"


def test_with_database_keeps_server_and_credentials() -> None:
    url = parse_url("postgresql://gw:pw@db:6543/litellm?sslmode=disable")
    other = url.with_database("nemoctl_verify_abc")
    assert other.database == "nemoctl_verify_abc"
    assert other.conninfo == "postgresql://gw:pw@db:6543/nemoctl_verify_abc?sslmode=disable"


@pytest.mark.parametrize("bad", ["mysql://u:topsecret@h/db", "not a url topsecret"])
def test_parse_url_rejects_non_postgres_without_echoing_password(bad: str) -> None:
    with pytest.raises(DatabaseError) as info:
        parse_url(bad)
    assert info.value.exit_code == 2
    if bad.startswith("mysql"):
        assert "topsecret" not in str(info.value)
