-- A household's papers are kept by version: a second filing of the same kind and ref is a new row beside
-- the first, and a retry is recognised by its request key (Idempotency-Key, request id or filing step), never by content.
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_OwnerFileEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "unit" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "filedAt" DATETIME NOT NULL,
    "filedBy" TEXT NOT NULL,
    "requestKey" TEXT NOT NULL
);
-- Entries filed before this were one per kind and ref, so that pair is their request key.
INSERT INTO "new_OwnerFileEntry" ("id", "unit", "kind", "ref", "summary", "content", "filedAt", "filedBy", "requestKey")
SELECT "id", "unit", "kind", "ref", "summary", "content", "filedAt", 'unknown', 'legacy:' || "kind" || ':' || "ref" FROM "OwnerFileEntry";
DROP TABLE "OwnerFileEntry";
ALTER TABLE "new_OwnerFileEntry" RENAME TO "OwnerFileEntry";
CREATE UNIQUE INDEX "OwnerFileEntry_requestKey_key" ON "OwnerFileEntry"("requestKey");
CREATE INDEX "OwnerFileEntry_unit_kind_ref_idx" ON "OwnerFileEntry"("unit", "kind", "ref");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
