/** Texts of the weekly key audit (Simplified Chinese). */
import type { KeyAuditReport } from '../../activities/keys';
import { keyStatuses, keyStatusNames } from './keyRegister';

const problemNames = { onLoanWithoutLoan: '登记为借出但台账无借用记录', lost: '已遗失', loanWithoutOnLoan: '台账借出但登记不符' } as const;

export function weeklyKeyAuditTexts(period: string) {
  return {
    summary: (r: KeyAuditReport) =>
      `【每周钥匙盘点】${period}：登记钥匙 ${r.keys} 把（${keyStatuses.map((s) => `${keyStatusNames[s]} ${r.byStatus[s] ?? 0}`).join('，')}）；` +
      `本周借用 ${r.loansInWeek} 次，其中紧急用钥 ${r.emergencyLoansInWeek} 次，归还时损坏或遗失 ${r.returnedDamagedOrLost} 次；` +
      `未归还 ${r.openLoans.length} 把${r.openLoans.length ? `（${r.openLoans.map((l) => `${l.keyId} ${l.borrower}`).join('、')}）` : ''}；` +
      `异常 ${r.missing.length} 把。`,
    missing: (r: KeyAuditReport) =>
      `【钥匙缺失·立即上报】${period} 盘点发现 ${r.missing.length} 把钥匙与台账不符：` +
      `${r.missing.map((m) => `${m.keyId}（${problemNames[m.problem]}）`).join('；')}，请经理立即处理。`,
  };
}
