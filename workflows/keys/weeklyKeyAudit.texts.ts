/** Texts of the weekly key audit (Simplified Chinese). */
import type { KeyAuditReport } from '../../activities/keys';
import type { BusinessCalendar } from '../lib/calendar';
import { type KeyCheckDiscrepancy, type KeyCheckInput, keyFindingNames } from './keyCheck.messages';
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

/** Texts of one key check (钥匙对照查验). */
export function keyCheckTexts(input: KeyCheckInput, cal: BusinessCalendar) {
  const at = (d?: Date) => (d ? cal.formatLocal(d) : '—');
  const c = `钥匙查验 ${input.caseId}`;
  const list = (ds: KeyCheckDiscrepancy[]) => ds.map((d) => `${d.keyId}（登记：${keyStatusNames[d.register]}，查验：${keyFindingNames[d.found]}${d.note ? `，${d.note}` : ''}）`).join('；');
  return {
    due: (due?: Date) => `【钥匙查验】请于 ${at(due)} 前对照台账逐把查验钥匙柜中的 ${input.keys.length} 把钥匙（在柜、封存完好、借出、缺失），并登记结果。`,
    usage: () =>
      `【本周钥匙使用】${at(new Date(input.usage.since))} 至 ${at(new Date(input.usage.until))}：借用 ${input.usage.loans} 次，其中紧急用钥 ${input.usage.emergencyLoans} 次，归还时损坏或遗失 ${input.usage.returnedDamagedOrLost} 次。`,
    result: (by: string, ds: KeyCheckDiscrepancy[]) => `【${c}】${by} 已查验 ${input.keys.length} 把钥匙${ds.length ? `，${ds.length} 把与台账不符：${list(ds)}` : '，与台账相符'}。`,
    discrepancies: (by: string, ds: KeyCheckDiscrepancy[]) => `【钥匙查验异常·立即上报】${c}：${by} 查验发现 ${ds.length} 把钥匙与台账不符：${list(ds)}，请经理立即处理。`,
  };
}
