-- CreateIndex
CREATE INDEX "Result_releaseId_commitSha_key_environment_idx" ON "Result"("releaseId", "commitSha", "key", "environment");
