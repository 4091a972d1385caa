"""JWT claim → virtual key mappings, kept in LiteLLM's own table.

Written as update-then-insert in one transaction, so it relies on no unique key of
LiteLLM's: 1.106.0 replaces the key on (jwt_claim_name, jwt_claim_value) by one that
also scopes by jwt_issuer (see schemas/acknowledged.toml).  An
``on_conflict_do_update(index_elements=["jwt_claim_name", "jwt_claim_value"])`` here
would be rejected by PostgreSQL after that migration: nemoctl blocks such an upgrade.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

jwt_key_mappings = sa.Table(
    "LiteLLM_JWTKeyMapping", metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("jwt_claim_name", sa.String),
    sa.Column("jwt_claim_value", sa.String),
    sa.Column("token", sa.String),
    sa.Column("is_active", sa.Boolean),
)


def map_claim(conn: sa.Connection, mapping_id: str, claim: str, value: str,
              token_hash: str) -> None:
    table = jwt_key_mappings
    updated = conn.execute(
        table.update()
        .where(table.c.jwt_claim_name == claim, table.c.jwt_claim_value == value)
        .values(token=token_hash, is_active=True))
    if updated.rowcount == 0:
        conn.execute(table.insert().values(
            id=mapping_id, jwt_claim_name=claim, jwt_claim_value=value, token=token_hash,
            is_active=True))
