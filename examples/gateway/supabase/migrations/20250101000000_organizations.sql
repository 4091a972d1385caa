-- The team's own tables, in the same database as LiteLLM's.
CREATE TABLE organizations (
  organization_id uuid PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Spend per organization: LiteLLM's spend logs joined to our organizations through
-- LiteLLM's team table (its organization_id is the same UUID as ours).
CREATE VIEW organization_spend AS
SELECT o.organization_id,
       o.name,
       coalesce(sum(s.spend), 0) AS total_spend
FROM organizations o
LEFT JOIN "LiteLLM_TeamTable" t ON t.organization_id = o.organization_id::text
LEFT JOIN "LiteLLM_SpendLogs" s ON s.team_id = t.team_id
GROUP BY o.organization_id, o.name;
