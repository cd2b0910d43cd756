-- CreateTable
CREATE TABLE "PlaygroundInvite" (
    "id" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "access" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "PlaygroundInvite_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PlaygroundInvite_ownerId_expiresAt_idx" ON "PlaygroundInvite"("ownerId", "expiresAt");

-- AddForeignKey
ALTER TABLE "PlaygroundInvite" ADD CONSTRAINT "PlaygroundInvite_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Learner"("id") ON DELETE CASCADE ON UPDATE CASCADE;

