-- CreateTable
CREATE TABLE "GitlabLink" (
    "projectId" UUID NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "gitlabProjectId" INTEGER NOT NULL,
    "accessToken" TEXT NOT NULL,
    "webhookTokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GitlabLink_pkey" PRIMARY KEY ("projectId")
);

-- CreateTable
CREATE TABLE "GitlabApproval" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "gitlabProjectId" INTEGER NOT NULL,
    "deploymentId" BIGINT NOT NULL,
    "gitlabEnvironment" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "commitSha" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'waiting',
    "comment" TEXT,
    "releaseVersion" TEXT,
    "tries" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMP(3),

    CONSTRAINT "GitlabApproval_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "GitlabLink_webhookTokenHash_key" ON "GitlabLink"("webhookTokenHash");

-- CreateIndex
CREATE INDEX "GitlabLink_gitlabProjectId_idx" ON "GitlabLink"("gitlabProjectId");

-- CreateIndex
CREATE INDEX "GitlabApproval_status_nextAttemptAt_idx" ON "GitlabApproval"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "GitlabApproval_projectId_gitlabProjectId_deploymentId_key" ON "GitlabApproval"("projectId", "gitlabProjectId", "deploymentId");
