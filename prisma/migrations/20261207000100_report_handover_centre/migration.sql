-- Each centre's monthly report is handed to its manager on its own: the handover is keyed by month and centre (earlier ones are the default centre's).
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ReportHandover" (
    "month" TEXT NOT NULL,
    "centre" TEXT NOT NULL DEFAULT 'default',
    "handedBy" TEXT NOT NULL,
    "handedAt" DATETIME NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "acknowledgedBy" TEXT,
    "acknowledgedAt" DATETIME,

    PRIMARY KEY ("month", "centre")
);
INSERT INTO "new_ReportHandover" ("acknowledgedAt", "acknowledgedBy", "handedAt", "handedBy", "month", "note") SELECT "acknowledgedAt", "acknowledgedBy", "handedAt", "handedBy", "month", "note" FROM "ReportHandover";
DROP TABLE "ReportHandover";
ALTER TABLE "new_ReportHandover" RENAME TO "ReportHandover";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

