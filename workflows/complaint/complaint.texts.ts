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
    majorToManager: () => `【重大投诉】${c} 已定为重大投诉，请服务中心经理出面处理，并逐级上报。`,
    companyLevel: (why: string) => `【上报公司】${c}（${why}）须上报公司领导解决，请品质部制定纠正措施并回访。`,
    unsatisfiedRounds: (rounds: number) => `【一跟到底】${c} 客户已${rounds}轮不满意，请经理关注；如需在客户不满意时结案，须由经理决定并注明原因。`,
    promiseRevised: (when: Date, reason: string) => `【承诺变更】${c} 原承诺答复时间无法兑现（${reason}），已与客户改约至 ${at(when)}。`,
    analysisDue: (due?: Date) => `【原因分析】${c} 已回访，请于 ${at(due)} 前记录原因分析与预防措施后结案。`,
    companyNotice: (notice: string) => `【全公司公告】重大投诉 ${input.caseId}（${input.matter}）：${notice}`,
  };
}
