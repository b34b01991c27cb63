-- Releases that exist already get their tallies on their next report; until then the gate reads
-- their kept runs (lib/server/load-gate-input.ts). New releases are tallied from the start.
ALTER TABLE "Release" ADD COLUMN "tallied" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Release" ALTER COLUMN "tallied" SET DEFAULT true;

-- Key first: ingest reads the kept runs of a report's keys in every environment.
ALTER TABLE "ResultState" DROP CONSTRAINT "ResultState_pkey";
ALTER TABLE "ResultState" ADD CONSTRAINT "ResultState_pkey" PRIMARY KEY ("releaseId", "commitSha", "key", "environment", "variant");

-- CreateTable
CREATE TABLE "FailingRun" (
    "releaseId" UUID NOT NULL,
    "commitSha" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "variant" TEXT NOT NULL,

    CONSTRAINT "FailingRun_pkey" PRIMARY KEY ("releaseId","commitSha","key","environment","variant")
);

-- AddForeignKey
ALTER TABLE "FailingRun" ADD CONSTRAINT "FailingRun_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "Release"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: the failed and flaky kept runs.
INSERT INTO "FailingRun" ("releaseId", "commitSha", "key", "environment", "variant")
SELECT "releaseId", "commitSha", "key", "environment", "variant" FROM "ResultState" WHERE "status" IN ('failed', 'flaky');

-- CreateTable
CREATE TABLE "CheckTally" (
    "releaseId" UUID NOT NULL,
    "commitSha" TEXT NOT NULL,
    "item" TEXT NOT NULL,
    "place" TEXT NOT NULL,
    "passed" INTEGER NOT NULL,
    "failed" INTEGER NOT NULL,
    "flaky" INTEGER NOT NULL,
    "skipped" INTEGER NOT NULL,
    "patterns" INTEGER[],
    "newestAt" DOUBLE PRECISION,
    "newestReportedAt" DOUBLE PRECISION,
    "newestRunUrl" TEXT,

    CONSTRAINT "CheckTally_pkey" PRIMARY KEY ("releaseId","commitSha","item","place")
);

-- AddForeignKey
ALTER TABLE "CheckTally" ADD CONSTRAINT "CheckTally_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "Release"("id") ON DELETE CASCADE ON UPDATE CASCADE;
