-- CreateTable
CREATE TABLE "AuditCheckpoint" (
    "id" BIGSERIAL NOT NULL,
    "chain" TEXT NOT NULL,
    "headId" BIGINT NOT NULL,
    "headHash" TEXT NOT NULL,
    "events" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL,

    CONSTRAINT "AuditCheckpoint_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditCheckpoint_chain_id_idx" ON "AuditCheckpoint"("chain", "id");

-- Checkpoints are insert-only, as the audit trail is: the database refuses UPDATE, DELETE and
-- TRUNCATE on them, whoever asks (docs/decisions/004-signed-audit-checkpoints.md).
CREATE OR REPLACE FUNCTION shipcheck_audit_checkpoint_insert_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'AuditCheckpoint is insert-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "AuditCheckpoint_insert_only"
  BEFORE UPDATE OR DELETE ON "AuditCheckpoint"
  FOR EACH ROW EXECUTE FUNCTION shipcheck_audit_checkpoint_insert_only();

CREATE TRIGGER "AuditCheckpoint_no_truncate"
  BEFORE TRUNCATE ON "AuditCheckpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION shipcheck_audit_checkpoint_insert_only();
