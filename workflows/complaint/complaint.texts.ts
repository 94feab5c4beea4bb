/** Notification texts of the complaint procedure (Simplified Chinese). */
import type { BusinessCalendar } from '../lib/calendar';
import type { ComplaintInput } from './complaint.messages';

export function complaintTexts(input: ComplaintInput, cal: BusinessCalendar) {
  const at = (d?: Date) => (d ? cal.formatLocal(d) : '—');
  const c = `投诉 ${input.caseId}（${input.unit}：${input.matter}）`;
  return {
    invalid: (explanation: string) => `【物业服务中心】您好，关于您反映的「${input.matter}」：${explanation}。感谢您的理解与支持。`,
    toSupervisor: () =>
      `【新投诉】${c}${input.repeatOf ? `，系重复投诉（前次 ${input.repeatOf}）` : ''}，请立即定级并确定处理方式。`,
    transferred: (department: string) => `【投诉转办】${c} 已转交${department}处理，请在时限内完成。`,
    major: () => `【重大投诉】${c} 已定为重大投诉，请品质部制定纠正措施并督办。`,
    signOffDue: () => `【待审核】${c} 为复杂投诉，处理结果待您审核后答复客户。`,
    signOffRejected: (comment: string) => `【审核退回】${c} 的处理结果未通过审核：${comment || '请重新处理'}。`,
    handleAgain: (round: number) => `【重新处理】${c} 客户不满意，第${round}轮处理已开始，请在时限内完成。`,
    returnVisitDue: (due?: Date) => `【投诉回访】${c} 已答复客户，请于 ${at(due)} 前回访。`,
    progress: (step: string, who: string) => `【投诉进展】${c}：${who} 已完成「${step}」。`,
  };
}
