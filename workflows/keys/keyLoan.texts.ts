/** Notification texts of the key loan (Simplified Chinese). */
import type { BusinessCalendar } from '../lib/calendar';
import { emergencyNames, type KeyLoanInput } from './keyLoan.messages';

export function keyLoanTexts(input: KeyLoanInput, cal: BusinessCalendar) {
  const at = (d?: Date) => (d ? cal.formatLocal(d) : '—');
  const k = `钥匙借用 ${input.caseId}（${input.keyId}）`;
  return {
    unsealRequest: () => `【启封审批】${k}：该钥匙已封存（空置房），借用人 ${input.borrower}，用途「${input.purpose}」，请审批是否启封。`,
    unsealRejected: (reason: string) => `【启封未批准】${k}：${reason}，钥匙继续封存。`,
    emergencyRequest: () =>
      `【紧急用钥】${k}：${input.emergency ? emergencyNames[input.emergency.kind] : ''}，${input.emergency?.note ?? ''}，请经理立即批准用钥。`,
    emergencyRejected: (note: string) => `【紧急用钥未批准】${k}${note ? `：${note}` : ''}。`,
    loaned: (due?: Date) => `【钥匙借出】${k} 已借给 ${input.borrower}，请于 ${at(due)} 前归还。`,
    paperworkDue: (due?: Date) => `【补办手续】${k} 为紧急用钥，请于 ${at(due)} 前补办借用登记及签名。`,
    damaged: (condition: string, replacement: string) =>
      `【钥匙${condition === 'lost' ? '遗失' : '损坏'}】${k} 归还验收：${condition === 'lost' ? '遗失' : '损坏'}，已发起补配申请 ${replacement}，请主管审核。`,
    refused: (why: string) => `【不能借出】${k}：${why}。`,
  };
}
