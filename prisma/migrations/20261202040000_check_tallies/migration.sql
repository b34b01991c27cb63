-- Releases that exist already get their tallies on their next report; until then the gate reads
-- their kept runs (lib/server/load-gate-input.ts). New releases are tallied from the start.
ALTER TABLE "Release" ADD COLUMN "tallied" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Release" ALTER COLUMN "tallied" SET DEFAULT true;

-- Key first: ingest reads the kept runs of a report's keys in every environment.
ALTER TABLE "ResultState" DROP CONSTRAINT "ResultState_pkey";
ALTER TABLE "ResultState" ADD CONSTRAINT "ResultState_pkey" PRIMARY KEY ("releaseId", "commitSha", "key", "environment", "variant");

-- CreateIndex
CREATE INDEX "ResultState_releaseId_commitSha_status_idx" ON "ResultState"("releaseId", "commitSha", "status");

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

    CONSTRAINT "CheckTally_pkey" PRIMARY KEY ("releaseId","commitSha","item","place")
);

-- AddForeignKey
ALTER TABLE "CheckTally" ADD CONSTRAINT "CheckTally_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "Release"("id") ON DELETE CASCADE ON UPDATE CASCADE;
