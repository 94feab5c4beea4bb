/**
 * 4. Repeat complaints opened in the month. At intake the API finds an earlier
 * complaint from the same unit about the same matter (api/complaints.ts) and passes
 * it to the workflow as `repeatOf`; the workflow writes it, with the matter, into the
 * detail of the case's `receive` audit entry, which is where this reads it (no
 * schema change: the JSON detail is parsed here).
 */
import { z } from 'zod';
import type { Db } from '../../db/client';
import { complaintProcedure } from '../../workflows/complaint/complaint.messages';
import type { BusinessCalendar } from '../../workflows/lib/calendar';
import { caseInCentres, localIso, type MonthBounds, within } from './period';
import type { RepeatComplaintRow } from './types';

/** The complaint workflow's first step. */
const receiveAction = 'receive';
const receiveDetail = z.object({ matter: z.string(), repeatOf: z.string().min(1).optional() });

export async function repeatComplaints(db: Db, cal: BusinessCalendar, month: MonthBounds): Promise<RepeatComplaintRow[]> {
  const received = await db.auditEntry.findMany({
    where: { action: receiveAction, case: { procedure: complaintProcedure, openedAt: within(month), ...caseInCentres(month) } },
    select: { caseId: true, detail: true, case: { select: { unit: true, openedAt: true } } },
    orderBy: [{ case: { openedAt: 'asc' } }, { caseId: 'asc' }],
  });
  return received.flatMap((r) => {
    const detail = receiveDetail.safeParse(JSON.parse(r.detail));
    if (!detail.success || detail.data.repeatOf === undefined) return [];
    return [{ caseId: r.caseId, unit: r.case.unit, matter: detail.data.matter, repeatOf: detail.data.repeatOf, openedAt: localIso(cal, r.case.openedAt) }];
  });
}
