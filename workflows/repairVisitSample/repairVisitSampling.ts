/**
 * The schedule's run on the 1st (RETURN_VISITS=monthlySample): the previous month's
 * repair work orders that wait for the sample, the sample drawn by the manual's bands
 * (workflows/repair/returnVisitSampling.ts), and the month's sample case opened.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { BusinessCalendar } from '../lib/calendar';
import { openChildCase } from '../lib/childCase';
import { centreOfCalendar } from '../lib/stepRecord';
import { workflowNow } from '../lib/time';
import { monthlySample } from '../repair/returnVisitSampling';
import { repairVisitSampleCaseId, repairVisitSampleContract, type RepairVisitSamplingInput } from './repairVisitSample.messages';

const { repairSamplePool } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function repairVisitSampling(input: RepairVisitSamplingInput): Promise<{ month: string; orders: number; sample: string[] }> {
  const cal = BusinessCalendar.from(input.calendar);
  const today = cal.localDateOf(new Date(workflowNow()));
  const { month, from, until } = cal.previousMonthOf(new Date(workflowNow()));
  const centre = centreOfCalendar(input.calendar);
  const pool = await repairSamplePool({ from: from.toISOString(), until: until.toISOString(), centre });
  const sample = monthlySample(month, pool.map((o) => o.caseId));
  if (pool.length > 0) {
    await openChildCase(repairVisitSampleContract, {
      caseId: repairVisitSampleCaseId(today, centre),
      month,
      orders: pool.length,
      sample: pool.filter((o) => sample.includes(o.caseId)),
      calendar: input.calendar,
    });
  }
  return { month, orders: pool.length, sample };
}
