/** Notification texts of an owner-file access (Simplified Chinese). */
import type { BusinessCalendar } from '../lib/calendar';
import { archiveAccessKindNames, type ArchiveAccessInput } from './archiveAccess.messages';

export function archiveAccessTexts(input: ArchiveAccessInput, cal: BusinessCalendar) {
  const at = (d?: Date) => (d ? cal.formatLocal(d) : '—');
  const c = `档案${archiveAccessKindNames[input.kind]} ${input.caseId}（${input.unit}）`;
  return {
    permissionRequest: () => `【查阅申请】${c}：${input.requestedBy.id}（其他部门）申请查阅业主档案，用途「${input.purpose}」，请主管批准。`,
    reportRequest: () =>
      `【档案${archiveAccessKindNames[input.kind]}申请】${c}：${input.requestedBy.id}，用途「${input.purpose}」${input.recipient ? `，借阅单位 ${input.recipient}` : ''}，请主管报告经理。`,
    toManager: (report: string) => `【待审批】${c}：主管报告「${report}」，请经理审批。`,
    permitted: (until?: Date) => `【已批准】${c} 已获批准，可查阅至 ${at(until)}，每次查阅均登记。`,
    rejected: (who: string, comment: string) => `【未批准】${c} 未获${who}批准${comment ? `：${comment}` : ''}。`,
    out: (due?: Date) => `【档案外出】${c} 已获经理批准，须于 ${at(due)} 前归还。`,
    incomplete: (note: string) => `【档案归还不全】${c} 归还验收不完整：${note || '请核查'}。`,
  };
}
