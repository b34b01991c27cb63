-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "hash" TEXT,
ADD COLUMN     "prevHash" TEXT;

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "lockedAt" TIMESTAMP(3),
ADD COLUMN     "lockedBy" TEXT,
ADD COLUMN     "lockedReason" TEXT;

-- AlterTable
ALTER TABLE "ReleaseItem" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "SignOff" ADD COLUMN     "evidenceId" UUID,
ADD COLUMN     "evidenceUrl" TEXT;

-- CreateTable
CREATE TABLE "Evidence" (
    "id" UUID NOT NULL,
    "releaseId" UUID NOT NULL,
    "filename" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "data" BYTEA NOT NULL,
    "uploadedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Evidence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GateOverride" (
    "id" UUID NOT NULL,
    "releaseId" UUID NOT NULL,
    "environment" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "by" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "liftedAt" TIMESTAMP(3),
    "liftedBy" TEXT,

    CONSTRAINT "GateOverride_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RollbackDecision" (
    "id" UUID NOT NULL,
    "releaseId" UUID NOT NULL,
    "environment" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "toVersion" TEXT,
    "reason" TEXT NOT NULL,
    "by" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RollbackDecision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Evidence_releaseId_idx" ON "Evidence"("releaseId");

-- CreateIndex
CREATE INDEX "GateOverride_releaseId_environment_idx" ON "GateOverride"("releaseId", "environment");

-- CreateIndex
CREATE INDEX "RollbackDecision_releaseId_idx" ON "RollbackDecision"("releaseId");
