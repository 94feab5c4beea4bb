/** Notification texts of the repair procedure (Simplified Chinese). */
import type { BusinessCalendar } from '../lib/calendar';
import type { RepairInput } from './repair.messages';

const yuan = (fen: number) => `${(fen / 100).toFixed(2)}元`;

export function repairTexts(input: RepairInput, cal: BusinessCalendar) {
  const at = (d?: Date) => (d ? cal.formatLocal(d) : '—');
  const job = `报修 ${input.caseId}（${input.unit}：${input.fault}）`;
  return {
    quote: (item: string, feeFen: number) =>
      `【物业服务中心】您好，您报修的「${input.fault}」属有偿维修项目「${item}」，费用 ${yuan(feeFen)}，请确认后我们安排维修。`,
    onSiteFeeRefused: (item: string, feeFen: number, reason: string) => `【业主拒绝报价】${job}：业主不同意现场报价「${item}」${yuan(feeFen)}${reason ? `（${reason}）` : ''}，维修已终止，请向业主做好解释。`,
    feeDeclined: () => `【物业服务中心】您已取消报修 ${input.caseId}，如需维修请随时联系我们。`,
    dispatch: (due?: Date) => `【派工】${job}，请于 ${at(due)} 前接单。`,
    declined: (technician: string, reason: string) => `【拒单】${technician} 拒绝了${job}，原因：${reason}。请安排他人。`,
    handedBack: (technician: string, reason: string) => `【退单】${technician} 退回了${job}，原因：${reason}。`,
    assigned: (technician: string) => `【工单】${job} 已由 ${technician} 负责，请按时完工。`,
    technicianOnTheWay: (technician: string) =>
      `【物业服务中心】您报修的「${input.fault}」已安排维修人员 ${technician} 处理。`,
    appointment: (when: Date) => `【物业服务中心】您报修的「${input.fault}」已预约于 ${at(when)} 上门维修。`,
    unfinished: (reason: string) => `【未完工】${job} 当日未完成（${reason}），请每日跟进业主直至完工。`,
    completed: (totalFen: number) =>
      `【物业服务中心】您报修的「${input.fault}」已维修完毕${totalFen > 0 ? `，费用合计 ${yuan(totalFen)}` : ''}。感谢您的支持！`,
    returnVisitDue: (due?: Date) => `【回访】${job} 已完工，请于 ${at(due)} 前回访业主。`,
    rework: (due?: Date) => `【返修】${job} 回访发现问题，请于 ${at(due)} 前返修完毕。`,
    reworkExtensionRequested: (technician: string, reason: string, until: Date) => `【延期返修申请】${job}：${technician} 因「${reason}」申请延至 ${at(until)} 返修完毕，请审批。`,
    reworkExtensionDecided: (approved: boolean, due: Date | undefined, comment: string) =>
      approved ? `【延期返修】${job} 延期申请已批准，请于 ${at(due)} 前返修完毕。` : `【延期返修】${job} 延期申请未获批准${comment ? `（${comment}）` : ''}，请于 ${at(due)} 前返修完毕。`,
  };
}
