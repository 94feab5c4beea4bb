-- The monthly report handed to the manager in writing, and its acknowledgement.
CREATE TABLE "ReportHandover" (
    "month" TEXT NOT NULL PRIMARY KEY,
    "handedBy" TEXT NOT NULL,
    "handedAt" DATETIME NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "acknowledgedBy" TEXT,
    "acknowledgedAt" DATETIME
);
