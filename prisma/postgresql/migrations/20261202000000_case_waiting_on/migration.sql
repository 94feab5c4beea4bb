-- The case row keeps what it waits on (who, which step, due when), every running clock's duty, and its write version.
ALTER TABLE "Case" ADD COLUMN "waitingWho" TEXT,
ADD COLUMN "waitingStep" TEXT,
ADD COLUMN "waitingDueAt" TIMESTAMP(3),
ADD COLUMN "duties" TEXT NOT NULL DEFAULT '[]',
ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Case_closedAt_nextDueAt_idx" ON "Case"("closedAt", "nextDueAt");

-- CreateIndex
CREATE INDEX "Case_openedAt_idx" ON "Case"("openedAt");
