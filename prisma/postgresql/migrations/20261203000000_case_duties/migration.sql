-- Every running clock of a case in its own row (owner, step, due time), so each person's inbox is ordered by their own step in SQL.
-- CreateTable
CREATE TABLE "CaseDuty" (
    "caseId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "owner" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3),

    CONSTRAINT "CaseDuty_pkey" PRIMARY KEY ("caseId","version","seq")
);

-- CreateIndex
CREATE INDEX "CaseDuty_caseId_owner_dueAt_idx" ON "CaseDuty"("caseId", "owner", "dueAt");

-- AddForeignKey
ALTER TABLE "CaseDuty" ADD CONSTRAINT "CaseDuty_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The open cases' duties move from the case row's JSON.
INSERT INTO "CaseDuty" ("caseId", "version", "seq", "owner", "step", "dueAt")
SELECT c."id", c."version", (d.ordinality - 1)::int, d.value->>'owner', d.value->>'step', (d.value->>'dueAt')::timestamptz AT TIME ZONE 'UTC'
FROM "Case" c, jsonb_array_elements(c."duties"::jsonb) WITH ORDINALITY AS d(value, ordinality)
WHERE c."closedAt" IS NULL;

-- AlterTable
ALTER TABLE "Case" DROP COLUMN "duties";
