-- Each case's lines in the staff's inboxes (role, person or anyone of the role, due order), so GET /inbox reads one index in order. The worker fills them for open cases at its start.
-- CreateTable
CREATE TABLE "InboxEntry" (
    "caseId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "staffId" TEXT NOT NULL,
    "centre" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "dueAt" DATETIME,
    "openedAt" DATETIME NOT NULL,

    PRIMARY KEY ("caseId", "version", "role", "staffId"),
    CONSTRAINT "InboxEntry_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "InboxRules" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "fingerprint" TEXT NOT NULL,
    "builtAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "InboxEntry_role_staffId_centre_rank_dueAt_openedAt_caseId_idx" ON "InboxEntry"("role", "staffId", "centre", "rank", "dueAt", "openedAt", "caseId");

-- CreateIndex
CREATE INDEX "InboxEntry_role_staffId_rank_dueAt_openedAt_caseId_idx" ON "InboxEntry"("role", "staffId", "rank", "dueAt", "openedAt", "caseId");

