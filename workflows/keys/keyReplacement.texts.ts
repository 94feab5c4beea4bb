/** Notification texts of a key duplication or replacement (Simplified Chinese). */
import type { KeyReplacementInput } from './keyReplacement.messages';

export function keyReplacementTexts(input: KeyReplacementInput) {
  const what = input.kind === 'duplicate' ? '配制' : '补换';
  const c = `钥匙${what}申请 ${input.caseId}（${input.keyId}）`;
  return {
    toSupervisor: () => `【待审核】${c}：${input.reason}，请主管审核。`,
    toManager: (supervisor: string) => `【待审批】${c} 已由主管 ${supervisor} 审核同意，请经理审批。`,
    rejected: (who: string, comment: string) => `【未批准】${c} 未获${who}批准${comment ? `：${comment}` : ''}。`,
    approved: () => `【已批准】${c} 已获经理批准，钥匙登记已更新，请安排${what}。`,
  };
}
