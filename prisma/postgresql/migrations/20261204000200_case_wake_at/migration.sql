-- When a case's workflow next acts on its own (its next clock event): a case still waiting past it is not progressing.
ALTER TABLE "Case" ADD COLUMN "wakeAt" TIMESTAMP(3);
CREATE INDEX "Case_closedAt_wakeAt_idx" ON "Case"("closedAt", "wakeAt");
