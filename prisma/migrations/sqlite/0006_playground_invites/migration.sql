-- CreateTable
CREATE TABLE "PlaygroundInvite" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ownerId" TEXT NOT NULL,
    "access" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    CONSTRAINT "PlaygroundInvite_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Learner" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "PlaygroundInvite_ownerId_expiresAt_idx" ON "PlaygroundInvite"("ownerId", "expiresAt");

