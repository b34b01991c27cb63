-- DropIndex
DROP INDEX "Result_releaseId_commitSha_key_environment_idx";

-- CreateTable
CREATE TABLE "ResultState" (
    "releaseId" UUID NOT NULL,
    "commitSha" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "status" "ResultStatus" NOT NULL,
    "durationMs" INTEGER,
    "message" TEXT,
    "runUrl" TEXT,
    "startedAt" TIMESTAMP(3),
    "reportedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ResultState_pkey" PRIMARY KEY ("releaseId","commitSha","environment","variant","key")
);

-- CreateIndex
CREATE INDEX "Result_releaseId_commitSha_environment_reportedAt_idx" ON "Result"("releaseId", "commitSha", "environment", "reportedAt");

-- AddForeignKey
ALTER TABLE "ResultState" ADD CONSTRAINT "ResultState_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "Release"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: the latest run of each key per commit, environment and variant, by the gate's rule
-- (the run's own start time, else its arrival; arrival breaks ties).
INSERT INTO "ResultState" ("releaseId", "commitSha", "environment", "variant", "key", "status", "durationMs", "message", "runUrl", "startedAt", "reportedAt")
SELECT DISTINCT ON ("releaseId", "commitSha", COALESCE("environment", ''), COALESCE("variant", ''), "key")
  "releaseId", "commitSha", COALESCE("environment", ''), COALESCE("variant", ''), "key", "status", "durationMs", "message", "runUrl", "startedAt", "reportedAt"
FROM "Result"
ORDER BY "releaseId", "commitSha", COALESCE("environment", ''), COALESCE("variant", ''), "key", COALESCE("startedAt", "reportedAt") DESC, "reportedAt" DESC;
