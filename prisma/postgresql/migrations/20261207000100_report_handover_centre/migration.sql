-- Each centre's monthly report is handed to its manager on its own: the handover is keyed by month and centre (earlier ones are the default centre's).
-- AlterTable
ALTER TABLE "ReportHandover" DROP CONSTRAINT "ReportHandover_pkey",
ADD COLUMN     "centre" TEXT NOT NULL DEFAULT 'default',
ADD CONSTRAINT "ReportHandover_pkey" PRIMARY KEY ("month", "centre");

