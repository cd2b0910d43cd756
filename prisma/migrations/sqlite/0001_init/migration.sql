-- CreateTable
CREATE TABLE "Learner" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "displayName" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "StepCompletion" (
    "learnerId" TEXT NOT NULL,
    "lesson" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "passedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("learnerId", "lesson", "step"),
    CONSTRAINT "StepCompletion_learnerId_fkey" FOREIGN KEY ("learnerId") REFERENCES "Learner" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SandboxEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "reason" TEXT,
    "sandbox" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "learnerId" TEXT,
    "lesson" TEXT
);

-- CreateIndex
CREATE INDEX "SandboxEvent_learnerId_idx" ON "SandboxEvent"("learnerId");

-- CreateIndex
CREATE INDEX "SandboxEvent_at_idx" ON "SandboxEvent"("at");

