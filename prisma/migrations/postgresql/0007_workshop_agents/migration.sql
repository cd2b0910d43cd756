-- AlterTable
ALTER TABLE "Workshop" ADD COLUMN     "agents" TEXT NOT NULL DEFAULT '';

