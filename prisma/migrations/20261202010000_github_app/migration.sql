-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "githubAppId" TEXT,
ADD COLUMN     "githubAppPrivateKey" TEXT,
ADD COLUMN     "githubInstallationId" TEXT;

-- AlterTable
ALTER TABLE "ReleaseAnnouncement" ADD COLUMN     "github" JSONB;

-- CreateTable
CREATE TABLE "GithubProtectionRequest" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "releaseId" UUID,
    "environment" TEXT NOT NULL,
    "callbackUrl" TEXT NOT NULL,
    "installationId" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "sha" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'waiting',
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMP(3),

    CONSTRAINT "GithubProtectionRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "NotificationDelivery_projectId_channel_createdAt_idx" ON "NotificationDelivery"("projectId", "channel", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "GithubProtectionRequest_deliveryId_key" ON "GithubProtectionRequest"("deliveryId");

-- CreateIndex
CREATE INDEX "GithubProtectionRequest_releaseId_status_idx" ON "GithubProtectionRequest"("releaseId", "status");

-- AddForeignKey
ALTER TABLE "GithubProtectionRequest" ADD CONSTRAINT "GithubProtectionRequest_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GithubProtectionRequest" ADD CONSTRAINT "GithubProtectionRequest_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "Release"("id") ON DELETE CASCADE ON UPDATE CASCADE;
