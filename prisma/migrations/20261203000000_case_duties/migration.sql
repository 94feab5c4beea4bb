-- Every running clock of a case in its own row (owner, step, due time), so each person's inbox is ordered by their own step in SQL.
-- CreateTable
CREATE TABLE "CaseDuty" (
    "caseId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "owner" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "dueAt" DATETIME,

    PRIMARY KEY ("caseId", "version", "seq"),
    CONSTRAINT "CaseDuty_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "CaseDuty_caseId_owner_dueAt_idx" ON "CaseDuty"("caseId", "owner", "dueAt");

-- The open cases' duties move from the case row's JSON (due times written by toISOString, kept as Prisma keeps DateTime).
INSERT INTO "CaseDuty" ("caseId", "version", "seq", "owner", "step", "dueAt")
SELECT c."id", c."version", CAST(d."key" AS INTEGER), json_extract(d."value", '$.owner'), json_extract(d."value", '$.step'),
       replace(json_extract(d."value", '$.dueAt'), 'Z', '+00:00')
FROM "Case" c, json_each(c."duties") d
WHERE c."closedAt" IS NULL AND json_valid(c."duties");

-- AlterTable
ALTER TABLE "Case" DROP COLUMN "duties";
