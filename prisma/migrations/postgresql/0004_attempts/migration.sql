-- Sign-in failures become attempts of a general table every limit shares; the failures of
-- the last day are carried over, so an upgrade does not reset a guesser's count.

-- CreateTable
CREATE TABLE "Attempt" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Attempt_pkey" PRIMARY KEY ("id")
);

-- CopyRows
INSERT INTO "Attempt" ("kind", "key", "at") SELECT 'sign-in-email', "email", "at" FROM "SignInFailure";
INSERT INTO "Attempt" ("kind", "key", "at") SELECT 'sign-in-address', "ip", "at" FROM "SignInFailure";

-- DropTable
DROP TABLE "SignInFailure";

-- CreateIndex
CREATE INDEX "Attempt_kind_key_at_idx" ON "Attempt"("kind", "key", "at");

-- CreateIndex
CREATE INDEX "Attempt_at_idx" ON "Attempt"("at");
