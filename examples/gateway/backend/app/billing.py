"""Spend per organization, read from LiteLLM's spend logs with SQLAlchemy Core."""

from __future__ import annotations

import os
from decimal import Decimal

import sqlalchemy as sa
from fastapi import APIRouter

metadata = sa.MetaData()

# Only the columns this service reads: a change to any of them must block an upgrade.
spend_logs = sa.Table(
    "LiteLLM_SpendLogs", metadata,
    sa.Column("request_id", sa.String, primary_key=True),
    sa.Column("spend", sa.Float),
    sa.Column("model_group", sa.String),
    sa.Column("team_id", sa.String),
    sa.Column("startTime", sa.DateTime),
)

router = APIRouter(prefix="/billing")


def engine() -> sa.Engine:
    return sa.create_engine(os.environ["DATABASE_URL"])


@router.get("/by-model")
def spend_by_model(team_id: str) -> dict[str, float]:
    query = (sa.select(spend_logs.c.model_group, sa.func.sum(spend_logs.c.spend))
             .where(spend_logs.c.team_id == team_id)
             .group_by(spend_logs.c.model_group))
    with engine().connect() as conn:
        return {group or "": float(total or 0) for group, total in conn.execute(query)}


@router.get("/organizations/{org_id}")
def organization_spend(org_id: str) -> Decimal:
    # The view (supabase/migrations) joins the spend logs to our organizations.
    with engine().connect() as conn:
        total = conn.execute(sa.text(
            "SELECT total_spend FROM organization_spend WHERE organization_id = :org"),
            {"org": org_id}).scalar_one_or_none()
    return Decimal(str(total or 0))
