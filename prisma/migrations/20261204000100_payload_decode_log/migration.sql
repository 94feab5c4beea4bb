-- Every use of the Temporal UI's codec endpoint: who read decrypted payloads, of which cases.
CREATE TABLE "PayloadDecodeLog" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "actorId" TEXT NOT NULL,
    "actorRole" TEXT NOT NULL,
    "caseIds" TEXT NOT NULL,
    "payloads" INTEGER NOT NULL,
    "at" DATETIME NOT NULL
);
CREATE INDEX "PayloadDecodeLog_at_idx" ON "PayloadDecodeLog"("at");
