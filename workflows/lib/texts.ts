/** Notification texts for staff and owners (Simplified Chinese), shared by every procedure. */
import type { BusinessCalendar } from './calendar';
import type { ClockEvent } from './clock';
import { describeRecipient } from './roles';

export function clockEventText(caseLabel: string, e: ClockEvent, cal: BusinessCalendar): string {
  const due = cal.formatLocal(new Date(e.dueAt));
  switch (e.kind) {
    case 'warning':
      return `【时限提醒】${caseLabel}「${e.step}」已用去时限的${Math.round((e.fraction ?? 0) * 100)}%，请于 ${due} 前完成。`;
    case 'breached':
      return `【超时升级】${caseLabel}「${e.step}」应于 ${due} 前完成，现已超时，请${describeRecipient(e.recipient ?? 'role:supervisor')}督办。`;
    case 'escalated':
      return `【超时升级·第${e.level}级】${caseLabel}「${e.step}」超时仍未完成（时限 ${due}），请${describeRecipient(e.recipient ?? 'role:manager')}督办。`;
    default:
      return `${caseLabel}「${e.step}」${e.kind}`;
  }
}
