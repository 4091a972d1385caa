"""JWT claim → virtual key mappings, kept in LiteLLM's own table by an upsert.

The upsert relies on LiteLLM's unique key on (jwt_claim_name, jwt_claim_value): if an
upgrade removes that constraint, PostgreSQL rejects the ON CONFLICT clause.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

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
    stmt = insert(jwt_key_mappings).values(
        id=mapping_id, jwt_claim_name=claim, jwt_claim_value=value, token=token_hash,
        is_active=True)
    conn.execute(stmt.on_conflict_do_update(
        index_elements=["jwt_claim_name", "jwt_claim_value"],
        set_={"token": stmt.excluded.token, "is_active": True}))
