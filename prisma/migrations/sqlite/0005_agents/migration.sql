-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "publicUrl" TEXT,
    "capacity" INTEGER NOT NULL,
    "freePlaces" INTEGER NOT NULL,
    "draining" BOOLEAN NOT NULL DEFAULT false,
    "startedAt" DATETIME NOT NULL,
    "heartbeatAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Placement" (
    "learnerId" TEXT NOT NULL,
    "lesson" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "placedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("learnerId", "lesson"),
    CONSTRAINT "Placement_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "socket_io_attachments" (
    "id" BIGINT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" BLOB NOT NULL
);

-- CreateIndex
CREATE INDEX "Agent_heartbeatAt_idx" ON "Agent"("heartbeatAt");

-- CreateIndex
CREATE INDEX "Placement_agentId_placedAt_idx" ON "Placement"("agentId", "placedAt");

