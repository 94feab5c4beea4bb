-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Case" (
    "id" TEXT NOT NULL,
    "procedure" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "ownerName" TEXT NOT NULL,
    "ownerPhone" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "assignee" TEXT,
    "firstReceiver" TEXT NOT NULL,
    "breached" BOOLEAN NOT NULL DEFAULT false,
    "nextDueAt" TIMESTAMP(3),
    "openedAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "outcome" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "actorRole" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeadlineEvent" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "clock" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3),
    "level" INTEGER,
    "recipient" TEXT,
    "reason" TEXT,

    CONSTRAINT "DeadlineEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "caseId" TEXT,
    "channel" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "lastError" TEXT,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceRecord" (
    "caseId" TEXT NOT NULL,
    "fault" TEXT NOT NULL,
    "notifiedAt" TIMESTAMP(3) NOT NULL,
    "technician" TEXT,
    "takenAt" TIMESTAMP(3),
    "appointment" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "workDone" TEXT,

    CONSTRAINT "ServiceRecord_pkey" PRIMARY KEY ("caseId")
);

-- CreateTable
CREATE TABLE "Charge" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "item" TEXT NOT NULL,
    "amountFen" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Charge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReturnVisit" (
    "id" SERIAL NOT NULL,
    "caseId" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "visitor" TEXT NOT NULL,
    "satisfied" BOOLEAN NOT NULL,
    "rating" INTEGER NOT NULL,
    "feeConfirmed" BOOLEAN,
    "problemFound" BOOLEAN NOT NULL,
    "note" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReturnVisit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OwnerFileEntry" (
    "id" SERIAL NOT NULL,
    "unit" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "filedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OwnerFileEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Case_workflowId_key" ON "Case"("workflowId");

-- CreateIndex
CREATE INDEX "Case_procedure_stage_idx" ON "Case"("procedure", "stage");

-- CreateIndex
CREATE INDEX "Case_unit_idx" ON "Case"("unit");

-- CreateIndex
CREATE INDEX "Case_assignee_idx" ON "Case"("assignee");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_key_key" ON "AuditEntry"("key");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_caseId_seq_key" ON "AuditEntry"("caseId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "DeadlineEvent_key_key" ON "DeadlineEvent"("key");

-- CreateIndex
CREATE INDEX "DeadlineEvent_caseId_clock_idx" ON "DeadlineEvent"("caseId", "clock");

-- CreateIndex
CREATE INDEX "DeadlineEvent_kind_at_idx" ON "DeadlineEvent"("kind", "at");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_key_key" ON "Notification"("key");

-- CreateIndex
CREATE INDEX "Notification_status_idx" ON "Notification"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Charge_key_key" ON "Charge"("key");

-- CreateIndex
CREATE UNIQUE INDEX "ReturnVisit_caseId_round_key" ON "ReturnVisit"("caseId", "round");

-- CreateIndex
CREATE INDEX "OwnerFileEntry_unit_idx" ON "OwnerFileEntry"("unit");

-- CreateIndex
CREATE UNIQUE INDEX "OwnerFileEntry_kind_ref_key" ON "OwnerFileEntry"("kind", "ref");

-- AddForeignKey
ALTER TABLE "AuditEntry" ADD CONSTRAINT "AuditEntry_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeadlineEvent" ADD CONSTRAINT "DeadlineEvent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceRecord" ADD CONSTRAINT "ServiceRecord_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Charge" ADD CONSTRAINT "Charge_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReturnVisit" ADD CONSTRAINT "ReturnVisit_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

