-- Every use of the Temporal UI's codec endpoint: who read decrypted payloads, of which cases.
CREATE TABLE "PayloadDecodeLog" (
    "id" SERIAL NOT NULL,
    "actorId" TEXT NOT NULL,
    "actorRole" TEXT NOT NULL,
    "caseIds" TEXT NOT NULL,
    "payloads" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PayloadDecodeLog_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "PayloadDecodeLog_at_idx" ON "PayloadDecodeLog"("at");
