-- A rejection is evidence like the audit trail: never changed or removed (whether it still stands
-- is worked out from the sign-offs after it), so the database refuses UPDATE, DELETE and TRUNCATE.
CREATE OR REPLACE FUNCTION shipcheck_rejection_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'Rejection is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Rejection_append_only"
  BEFORE UPDATE OR DELETE ON "Rejection"
  FOR EACH ROW EXECUTE FUNCTION shipcheck_rejection_append_only();

CREATE TRIGGER "Rejection_no_truncate"
  BEFORE TRUNCATE ON "Rejection"
  FOR EACH STATEMENT EXECUTE FUNCTION shipcheck_rejection_append_only();
