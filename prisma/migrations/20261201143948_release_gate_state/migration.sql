-- CreateTable
CREATE TABLE "ReleaseGateState" (
    "releaseId" UUID NOT NULL,
    "revision" TEXT NOT NULL,
    "gates" JSONB NOT NULL,
    "rollbackRecommended" JSONB NOT NULL,
    "evaluatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReleaseGateState_pkey" PRIMARY KEY ("releaseId")
);

-- CreateIndex
CREATE INDEX "AuditEvent_projectId_releaseId_id_idx" ON "AuditEvent"("projectId", "releaseId", "id");

-- AddForeignKey
ALTER TABLE "ReleaseGateState" ADD CONSTRAINT "ReleaseGateState_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "Release"("id") ON DELETE CASCADE ON UPDATE CASCADE;
