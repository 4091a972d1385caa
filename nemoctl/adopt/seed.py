"""The starting ``sacred_fields.toml`` and ``acknowledged.toml`` ``init`` writes.

The seed is the handful of LiteLLM columns a billing gateway relies on.  Types are
read from the *pinned* schema, never assumed: the same name has different types in
different models (``prompt_tokens`` is ``Int`` in ``LiteLLM_SpendLogs`` and ``BigInt``
in the daily tables), and an entry naming a field the pinned version lacks would be
an error on the very first check, so such candidates are left out (and reported).
"""

from __future__ import annotations

from dataclasses import dataclass

from nemoctl.schema.model import Schema

#: The billing fields, in the order they are written.
BILLING_FIELDS = ("spend", "prompt_tokens", "model_group", "custom_llm_provider",
                  "organization_id")


@dataclass(frozen=True, slots=True)
class SeedModel:
    model: str
    owner: str
    title: str
    #: field -> reason
    reasons: dict[str, str]


SEED_MODELS = (
    SeedModel(
        "LiteLLM_SpendLogs", "billing",
        "LiteLLM_SpendLogs: one row per request, the gateway's cost accounting",
        {
            "spend": "per-request cost; the source of every invoice line",
            "prompt_tokens": "input token count billed per request",
            "model_group": "the model name clients asked for; prices and reports group by it",
            "custom_llm_provider": "provider attribution of each request's cost",
            "organization_id": "which organization a request's cost is charged to",
        },
    ),
    SeedModel(
        "LiteLLM_DailyOrganizationSpend", "dashboards",
        "LiteLLM_DailyOrganizationSpend: daily aggregates read by usage dashboards",
        {
            "spend": "daily spend per organization",
            "prompt_tokens": "daily input tokens per organization",
            "model_group": "daily usage grouped by model",
            "custom_llm_provider": "daily usage grouped by provider",
            "organization_id": "the organization each daily row belongs to",
        },
    ),
)


@dataclass(frozen=True, slots=True)
class SeedEntry:
    model: str
    field: str
    type: str
    owner: str
    reason: str


@dataclass(frozen=True, slots=True)
class Seed:
    entries: tuple[SeedEntry, ...]
    #: ``Model.field`` candidates the pinned schema does not have.
    absent: tuple[str, ...]


def seed_sacred(schema: Schema) -> Seed:
    """The seed entries that exist in ``schema``, with their types as written there."""
    entries: list[SeedEntry] = []
    absent: list[str] = []
    for seed in SEED_MODELS:
        model = schema.model(seed.model)
        for name in BILLING_FIELDS:
            field = model.field(name) if model is not None else None
            if field is None or field.is_relation:
                absent.append(f"{seed.model}.{name}")
                continue
            entries.append(SeedEntry(seed.model, name, field.prisma_type, seed.owner,
                                     seed.reasons[name]))
    return Seed(tuple(entries), tuple(absent))


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render_sacred(seed: Seed, *, package: str, version: str) -> str:
    """``sacred_fields.toml``: commented, one ``[[field]]`` table per entry."""
    lines = [
        "# Sacred fields: the columns your product reads.  Any change to one of them --",
        "# removal, type, optionality, list, @map/@@map name, id/unique, default, its",
        "# model's removal -- always blocks `nemoctl diff`, `nemoctl upgrade` and",
        "# `nemoctl ci`; it cannot be acknowledged away.  See docs/sacred-fields.md.",
        "#",
        f"# Seeded by `nemoctl init` from the pinned {package} {version} schema with the",
        "# fields a billing gateway relies on.  Edit freely: set `owner` to the team that",
        "# must be asked, say in `reason` what breaks, delete what you do not read, and",
        "# add the columns your own services, dashboards and exports use.",
        "#",
        "# Each entry is model + field + the Prisma type exactly as written in the schema",
        '# ("Int", "String?", "String[]"): the same name has different types in different',
        "# models, so the type is part of the identity.  An entry that does not match the",
        "# pinned schema (schemas/schema.prisma) is itself an error.",
    ]
    current = None
    for entry in seed.entries:
        if entry.model != current:
            current = entry.model
            title = next(s.title for s in SEED_MODELS if s.model == entry.model)
            lines += ["", f"# --- {title}"]
        lines += [
            "",
            "[[field]]",
            f"model = {_quote(entry.model)}",
            f"field = {_quote(entry.field)}",
            f"type = {_quote(entry.type)}",
            f"owner = {_quote(entry.owner)}",
            f"reason = {_quote(entry.reason)}",
        ]
    if seed.absent:
        lines += ["", f"# Not in {package} {version}, so not seeded: " + ", ".join(seed.absent)]
    return "\n".join(lines) + "\n"


ACKNOWLEDGED = """\
# Acknowledged schema changes: reviewed findings of `nemoctl diff` accepted on purpose,
# so they stop blocking `nemoctl upgrade` / `nemoctl ci`.  Each entry matches one change
# by its fingerprint (printed by `nemoctl diff`), never by text.  Sacred field changes
# can never be acknowledged.  After `expires` (optional, a TOML date) the entry stops
# working and the diff says so.  See docs/diff.md.
#
# [[ack]]
# fingerprint = "d840701ec7325032"
# rule = "FIELD_ADDED_REQUIRED"        # optional; must match the change's rule
# reason = "LiteLLM writes this table itself; we never insert into it"
# expires = 2027-01-31
ack = []
"""
