-- Service centres: every case belongs to one, and staff work for one or more. Existing cases and staff go to the default centre.
CREATE TABLE "Centre" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "calendar" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Centre_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "StaffCentre" (
    "staffId" TEXT NOT NULL,
    "centreId" TEXT NOT NULL,

    CONSTRAINT "StaffCentre_pkey" PRIMARY KEY ("staffId", "centreId")
);
CREATE INDEX "StaffCentre_centreId_idx" ON "StaffCentre"("centreId");
ALTER TABLE "StaffCentre" ADD CONSTRAINT "StaffCentre_staffId_fkey" FOREIGN KEY ("staffId") REFERENCES "StaffMember"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "StaffCentre" ADD CONSTRAINT "StaffCentre_centreId_fkey" FOREIGN KEY ("centreId") REFERENCES "Centre"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
INSERT INTO "Centre" ("id", "name") VALUES ('default', '默认服务中心');
INSERT INTO "StaffCentre" ("staffId", "centreId") SELECT "id", 'default' FROM "StaffMember";
ALTER TABLE "Case" ADD COLUMN "centre" TEXT NOT NULL DEFAULT 'default';
CREATE INDEX "Case_centre_closedAt_idx" ON "Case"("centre", "closedAt");
CREATE INDEX "Case_centre_openedAt_idx" ON "Case"("centre", "openedAt");
