-- A household's papers are kept by version: a second filing of the same kind and ref is a new row beside
-- the first, and a retry is recognised by its request key (Idempotency-Key, request id or filing step), never by content.
DROP INDEX "OwnerFileEntry_kind_ref_key";
DROP INDEX "OwnerFileEntry_unit_idx";
ALTER TABLE "OwnerFileEntry" ADD COLUMN "filedBy" TEXT, ADD COLUMN "requestKey" TEXT;
-- Entries filed before this were one per kind and ref, so that pair is their request key.
UPDATE "OwnerFileEntry" SET "filedBy" = 'unknown', "requestKey" = 'legacy:' || "kind" || ':' || "ref";
ALTER TABLE "OwnerFileEntry" ALTER COLUMN "filedBy" SET NOT NULL, ALTER COLUMN "requestKey" SET NOT NULL;
CREATE UNIQUE INDEX "OwnerFileEntry_requestKey_key" ON "OwnerFileEntry"("requestKey");
CREATE INDEX "OwnerFileEntry_unit_kind_ref_idx" ON "OwnerFileEntry"("unit", "kind", "ref");
