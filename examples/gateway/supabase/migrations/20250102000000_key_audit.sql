-- Audit blocked virtual keys: a trigger on LiteLLM's key table.
CREATE TABLE key_audit (
  token text NOT NULL,
  blocked boolean,
  changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION audit_key_block() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO key_audit (token, blocked) VALUES (NEW.token, NEW.blocked);
  RETURN NEW;
END
$$;

CREATE TRIGGER key_blocked
  AFTER UPDATE OF blocked ON "LiteLLM_VerificationToken"
  FOR EACH ROW WHEN (OLD.blocked IS DISTINCT FROM NEW.blocked)
  EXECUTE FUNCTION audit_key_block();
