-- AlterTable
ALTER TABLE "Result" ADD COLUMN     "variant" TEXT;
