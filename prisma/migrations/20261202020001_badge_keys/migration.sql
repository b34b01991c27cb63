-- CreateTable
CREATE TABLE "BadgeKey" (
    "projectId" UUID NOT NULL,
    "keyHash" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BadgeKey_pkey" PRIMARY KEY ("projectId")
);

-- CreateIndex
CREATE UNIQUE INDEX "BadgeKey_keyHash_key" ON "BadgeKey"("keyHash");
