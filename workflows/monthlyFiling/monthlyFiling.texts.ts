/** Texts of the monthly filing reminder and inventory (Simplified Chinese). */
import { type OwnerFileKind, ownerFileKindNames } from '../lib/ownerFile';
import type { MonthlyFilingCaseInput, MonthlyFilingReport } from './monthlyFiling.messages';

const kindName = (k: string) => ownerFileKindNames[k as OwnerFileKind] ?? k;

export const monthlyFilingTexts = {
  reminder: (r: MonthlyFilingReport) =>
    `【月度归档提醒】请于 ${r.dueBy} 前完成 ${r.month} 的业主资料归档，并更新客户档案资料明细表。`,
  inventory: (r: MonthlyFilingReport) =>
    `【客户档案资料明细表】${r.month} 新增 ${r.households} 户 ${r.entries} 份：` +
    (r.lines.length === 0
      ? '无。'
      : `${r.lines
          .map((l) => `${l.unit} ${l.total} 份（${Object.entries(l.byKind).map(([k, n]) => `${kindName(k)} ${n}`).join('，')}）`)
          .join('；')}。`),
};

/** Texts of one month's filing case. */
export function monthlyFilingCaseTexts(input: MonthlyFilingCaseInput) {
  return {
    due: () => `【月度归档】${input.month} 的业主资料须于 ${input.dueBy} 当日结束前归档（明细表新增 ${input.expected.households} 户 ${input.expected.entries} 份），完成后请登记。`,
    filed: (by: string, households: number, entries: number) => `【月度归档】${input.month} 已由 ${by} 归档：${households} 户 ${entries} 份。`,
  };
}
