-- AlterTable
ALTER TABLE "Release" ADD COLUMN     "changedFiles" TEXT[] DEFAULT ARRAY[]::TEXT[];
