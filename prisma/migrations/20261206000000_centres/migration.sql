-- Service centres: every case belongs to one, and staff work for one or more. Existing cases and staff go to the default centre.
CREATE TABLE "Centre" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "calendar" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE "StaffCentre" (
    "staffId" TEXT NOT NULL,
    "centreId" TEXT NOT NULL,
    PRIMARY KEY ("staffId", "centreId"),
    CONSTRAINT "StaffCentre_staffId_fkey" FOREIGN KEY ("staffId") REFERENCES "StaffMember" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "StaffCentre_centreId_fkey" FOREIGN KEY ("centreId") REFERENCES "Centre" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "StaffCentre_centreId_idx" ON "StaffCentre"("centreId");
INSERT INTO "Centre" ("id", "name") VALUES ('default', '默认服务中心');
INSERT INTO "StaffCentre" ("staffId", "centreId") SELECT "id", 'default' FROM "StaffMember";
ALTER TABLE "Case" ADD COLUMN "centre" TEXT NOT NULL DEFAULT 'default';
CREATE INDEX "Case_centre_closedAt_idx" ON "Case"("centre", "closedAt");
CREATE INDEX "Case_centre_openedAt_idx" ON "Case"("centre", "openedAt");
