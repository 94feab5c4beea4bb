-- Keys, owner files, archive accesses and archive reads belong to a service centre (unit numbers repeat from centre to centre). Every existing row is the default centre's. A centre may have its own price list and its own units.
-- DropIndex
DROP INDEX "OwnerFileEntry_unit_kind_ref_idx";
-- DropIndex
DROP INDEX "Key_unit_idx";
-- DropIndex
DROP INDEX "Key_unit_part_key";
-- DropIndex
DROP INDEX "ArchiveAccessGrant_unit_grantee_idx";
-- DropIndex
DROP INDEX "ArchiveReadLog_unit_at_idx";
-- AlterTable
ALTER TABLE "OwnerFileEntry" ADD COLUMN     "centre" TEXT NOT NULL DEFAULT 'default';
-- AlterTable
ALTER TABLE "Key" ADD COLUMN     "centre" TEXT NOT NULL DEFAULT 'default';
-- AlterTable
ALTER TABLE "ArchiveAccessGrant" ADD COLUMN     "centre" TEXT NOT NULL DEFAULT 'default';
-- AlterTable
ALTER TABLE "ArchiveReadLog" ADD COLUMN     "centre" TEXT NOT NULL DEFAULT 'default';
-- CreateIndex
CREATE INDEX "OwnerFileEntry_centre_unit_kind_ref_idx" ON "OwnerFileEntry"("centre", "unit", "kind", "ref");
-- CreateIndex
CREATE UNIQUE INDEX "Key_centre_unit_part_key" ON "Key"("centre", "unit", "part");
-- CreateIndex
CREATE INDEX "ArchiveAccessGrant_centre_unit_grantee_idx" ON "ArchiveAccessGrant"("centre", "unit", "grantee");
-- CreateIndex
CREATE INDEX "ArchiveReadLog_centre_unit_at_idx" ON "ArchiveReadLog"("centre", "unit", "at");

-- AlterTable
ALTER TABLE "Centre" ADD COLUMN     "priceList" TEXT;

-- A centre's units
CREATE TABLE "Unit" (
    "centre" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("centre", "unit")
);
