-- CreateTable
CREATE TABLE "StepTick" (
    "id" UUID NOT NULL,
    "releaseId" UUID NOT NULL,
    "itemId" UUID NOT NULL,
    "environment" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "commitSha" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "tickedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StepTick_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StepTick_releaseId_idx" ON "StepTick"("releaseId");

-- CreateIndex
CREATE UNIQUE INDEX "StepTick_itemId_environment_commitSha_step_key" ON "StepTick"("itemId", "environment", "commitSha", "step");

-- AddForeignKey
ALTER TABLE "StepTick" ADD CONSTRAINT "StepTick_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "ReleaseItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StepTick" ADD CONSTRAINT "StepTick_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
