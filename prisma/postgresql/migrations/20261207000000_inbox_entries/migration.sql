-- Each case's lines in the staff's inboxes (role, person or anyone of the role, due order), so GET /inbox reads one index in order. The worker fills them for open cases at its start.
-- CreateTable
CREATE TABLE "InboxEntry" (
    "caseId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "staffId" TEXT NOT NULL,
    "centre" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "dueAt" TIMESTAMP(3),
    "openedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InboxEntry_pkey" PRIMARY KEY ("caseId","version","role","staffId")
);

-- CreateTable
CREATE TABLE "InboxRules" (
    "id" INTEGER NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "builtAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InboxRules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InboxEntry_role_staffId_centre_rank_dueAt_openedAt_caseId_idx" ON "InboxEntry"("role", "staffId", "centre", "rank", "dueAt", "openedAt", "caseId");

-- CreateIndex
CREATE INDEX "InboxEntry_role_staffId_rank_dueAt_openedAt_caseId_idx" ON "InboxEntry"("role", "staffId", "rank", "dueAt", "openedAt", "caseId");

-- AddForeignKey
ALTER TABLE "InboxEntry" ADD CONSTRAINT "InboxEntry_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

