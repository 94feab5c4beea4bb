/** Notification texts of the community event (Simplified Chinese). */
import type { BusinessCalendar } from '../lib/calendar';
import type { CommunityEventInput } from './communityEvent.messages';

export function communityEventTexts(input: CommunityEventInput, cal: BusinessCalendar) {
  const at = (d?: Date) => (d ? cal.formatLocal(d) : '—');
  const c = `社区活动 ${input.caseId}（${input.title}，${input.date}）`;
  return {
    planDue: (due?: Date) => `【活动方案】${c} 的活动方案请于 ${at(due)} 前编写提交。`,
    toReview: () => `【待审核】${c} 的活动方案已提交，请服务中心审核。`,
    toApproval: () => `【待审批】${c} 的活动方案已通过服务中心审核，请公司审批。`,
    sentBack: (by: string, comments: string) => `【方案退回】${c} 的活动方案被${by}退回修改：${comments}`,
    approved: () => `【方案批准】${c} 的活动方案已获公司批准，请各部门按方案筹备。`,
    notHeld: (reason: string) => `【活动未举办】${c}：${reason}。`,
    followUp: (summaryDue?: Date, visitsDue?: Date) =>
      `【活动后续】${c} 已举办，请于 ${at(summaryDue)} 前提交活动总结，${at(visitsDue)} 前完成参加人员回访（10%）。`,
  };
}
