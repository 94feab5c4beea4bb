-- CreateTable
CREATE TABLE "Key" (
    "id" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "part" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "holder" TEXT,
    "copies" INTEGER NOT NULL DEFAULT 1,
    "addedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KeyLoan" (
    "id" SERIAL NOT NULL,
    "caseId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "openKeyId" TEXT,
    "borrower" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "signatureRef" TEXT,
    "emergency" TEXT,
    "previousStatus" TEXT NOT NULL,
    "loanedAt" TIMESTAMP(3) NOT NULL,
    "paperworkAt" TIMESTAMP(3),
    "returnedAt" TIMESTAMP(3),
    "condition" TEXT,
    "note" TEXT,

    CONSTRAINT "KeyLoan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KeyRegisterChange" (
    "id" SERIAL NOT NULL,
    "caseId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fromStatus" TEXT NOT NULL,
    "toStatus" TEXT NOT NULL,
    "approvedBy" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KeyRegisterChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ArchiveAccessGrant" (
    "caseId" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "grantee" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "approvedBy" TEXT NOT NULL,
    "approvedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ArchiveAccessGrant_pkey" PRIMARY KEY ("caseId")
);

-- CreateTable
CREATE TABLE "ArchiveReadLog" (
    "id" SERIAL NOT NULL,
    "actorId" TEXT NOT NULL,
    "actorRole" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "allowed" BOOLEAN NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ArchiveReadLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Key_unit_idx" ON "Key"("unit");

-- CreateIndex
CREATE INDEX "Key_status_idx" ON "Key"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Key_unit_part_key" ON "Key"("unit", "part");

-- CreateIndex
CREATE UNIQUE INDEX "KeyLoan_caseId_key" ON "KeyLoan"("caseId");

-- CreateIndex
CREATE UNIQUE INDEX "KeyLoan_openKeyId_key" ON "KeyLoan"("openKeyId");

-- CreateIndex
CREATE INDEX "KeyLoan_keyId_idx" ON "KeyLoan"("keyId");

-- CreateIndex
CREATE INDEX "KeyLoan_loanedAt_idx" ON "KeyLoan"("loanedAt");

-- CreateIndex
CREATE UNIQUE INDEX "KeyRegisterChange_caseId_key" ON "KeyRegisterChange"("caseId");

-- CreateIndex
CREATE INDEX "ArchiveAccessGrant_unit_grantee_idx" ON "ArchiveAccessGrant"("unit", "grantee");

-- CreateIndex
CREATE INDEX "ArchiveReadLog_unit_at_idx" ON "ArchiveReadLog"("unit", "at");

-- AddForeignKey
ALTER TABLE "KeyLoan" ADD CONSTRAINT "KeyLoan_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "Key"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeyRegisterChange" ADD CONSTRAINT "KeyRegisterChange_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "Key"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

