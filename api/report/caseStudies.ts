/**
 * 7. Complaint cases (形成案例, 003; DOMAIN §3 step 11): the complaints whose cause
 * analysis, recorded in the month by the supervisor before closing, was kept as a
 * case study. Read from the `recordAnalysis` audit entries' detail.
 */
import { z } from 'zod';
import type { Db } from '../../db/client';
import { complaintProcedure } from '../../workflows/complaint/complaint.messages';
import type { BusinessCalendar } from '../../workflows/lib/calendar';
import { caseInCentres, localIso, type MonthBounds, within } from './period';
import type { CaseStudyRow } from './types';

const analysisAction = 'recordAnalysis';
const analysisDetail = z.object({ cause: z.string(), prevention: z.string(), caseStudy: z.boolean().optional() });

export async function caseStudies(db: Db, cal: BusinessCalendar, month: MonthBounds): Promise<CaseStudyRow[]> {
  const analyses = await db.auditEntry.findMany({
    where: { action: analysisAction, at: within(month), case: { procedure: complaintProcedure, ...caseInCentres(month) } },
    select: { caseId: true, at: true, actorId: true, detail: true, case: { select: { unit: true, summary: true } } },
    orderBy: [{ at: 'asc' }, { seq: 'asc' }],
  });
  return analyses.flatMap((a) => {
    const d = analysisDetail.safeParse(JSON.parse(a.detail));
    if (!d.success || d.data.caseStudy !== true) return [];
    return [{ caseId: a.caseId, unit: a.case.unit, matter: a.case.summary.split('：')[0] ?? a.case.summary, cause: d.data.cause, prevention: d.data.prevention, recordedBy: a.actorId, at: localIso(cal, a.at) }];
  });
}
