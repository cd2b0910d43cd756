-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL,
    "publicUrl" TEXT,
    "capacity" INTEGER NOT NULL,
    "freePlaces" INTEGER NOT NULL,
    "draining" BOOLEAN NOT NULL DEFAULT false,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "heartbeatAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Agent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Placement" (
    "learnerId" TEXT NOT NULL,
    "lesson" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "placedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Placement_pkey" PRIMARY KEY ("learnerId","lesson")
);

-- CreateTable
CREATE TABLE "socket_io_attachments" (
    "id" BIGSERIAL NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" BYTEA NOT NULL,

    CONSTRAINT "socket_io_attachments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Agent_heartbeatAt_idx" ON "Agent"("heartbeatAt");

-- CreateIndex
CREATE INDEX "Placement_agentId_placedAt_idx" ON "Placement"("agentId", "placedAt");

-- AddForeignKey
ALTER TABLE "Placement" ADD CONSTRAINT "Placement_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

