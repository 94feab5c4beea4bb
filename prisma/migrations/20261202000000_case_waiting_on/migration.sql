-- The case row keeps what it waits on (who, which step, due when), every running clock's duty, and its write version.
ALTER TABLE "Case" ADD COLUMN "waitingWho" TEXT;
ALTER TABLE "Case" ADD COLUMN "waitingStep" TEXT;
ALTER TABLE "Case" ADD COLUMN "waitingDueAt" DATETIME;
ALTER TABLE "Case" ADD COLUMN "duties" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "Case" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Case_closedAt_nextDueAt_idx" ON "Case"("closedAt", "nextDueAt");

-- CreateIndex
CREATE INDEX "Case_openedAt_idx" ON "Case"("openedAt");
