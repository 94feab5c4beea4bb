-- The monthly report handed to the manager in writing, and its acknowledgement.
CREATE TABLE "ReportHandover" (
    "month" TEXT NOT NULL,
    "handedBy" TEXT NOT NULL,
    "handedAt" TIMESTAMP(3) NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "acknowledgedBy" TEXT,
    "acknowledgedAt" TIMESTAMP(3),

    CONSTRAINT "ReportHandover_pkey" PRIMARY KEY ("month")
);
