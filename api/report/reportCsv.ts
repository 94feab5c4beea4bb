/** The monthly report as one CSV document: a title, then one section per table, headers in Chinese. */
import { type CsvRow, csvDocument } from './csv';
import { procedureName } from './procedures';
import type { MonthlyReport, ReturnVisitRow } from './types';

const percent = (rate: number | null): string => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
/** '2026-11-01T00:00:00+08:00' → '2026-11-01 00:00' (already local). */
const localMinute = (iso: string): string => iso.slice(0, 16).replace('T', ' ');
const basisNames: Record<ReturnVisitRow['basis'], string> = { cases: '案件', participants: '参加人员' };
const none: CsvRow = ['（无）'];

function section(title: string, header: CsvRow, rows: CsvRow[]): CsvRow[] {
  return [[], [title], header, ...(rows.length ? rows : [none])];
}

/** Whose figures a report holds: the centres it counts, by name, or the whole company. */
const centresOf = (report: MonthlyReport, names: Readonly<Record<string, string>>): string =>
  report.centres === null ? '全公司（所有服务中心）' : report.centres.map((id) => names[id] ?? id).join('、') || '（无）';

/**
 * The report, and after it each centre's own (`by=centre`), one after another in one
 * document; each block says whose figures it holds.
 */
export function monthlyReportCsv(report: MonthlyReport, names: Readonly<Record<string, string>> = {}, byCentre: readonly MonthlyReport[] = []): string {
  return csvDocument([report, ...byCentre].flatMap((r, i) => [...(i > 0 ? [[], []] : []), ...reportRows(r, names)]));
}

function reportRows(report: MonthlyReport, names: Readonly<Record<string, string>>): CsvRow[] {
  return [
    ['月度报表', report.month],
    ['服务中心', centresOf(report, names)],
    ['统计区间', `${localMinute(report.from)} 至 ${localMinute(report.to)}（${report.timezone}）`],
    ...section(
      '一、案件数量',
      ['业务', '本月受理', '本月结案', '月末未结'],
      report.cases.map((r) => [procedureName(r.procedure), r.opened, r.closed, r.openAtMonthEnd]),
    ),
    ...section(
      '二、时限执行情况',
      ['业务', '环节', '按时完成', '超时', '预警次数', '升级次数', '按时率'],
      report.deadlines.map((r) => [procedureName(r.procedure), r.step, r.met, r.missed, r.warnings, r.escalations, percent(r.metRate)]),
    ),
    ...section(
      '三、回访情况',
      ['业务', '统计对象', '应回访', '已回访', '按时回访', '回访率', '按时回访率', '规定比例', '是否达标'],
      report.returnVisits.map((r) => [
        procedureName(r.procedure),
        basisNames[r.basis],
        r.needed,
        r.visited,
        r.onTime,
        percent(r.rate),
        percent(r.onTimeRate),
        percent(r.requiredRate),
        r.meetsRequirement ? '是' : '否',
      ]),
    ),
    ...section(
      '四、重复投诉',
      ['受理编号', '房号', '投诉事项', '前次投诉', '受理时间'],
      report.repeatComplaints.map((r) => [r.caseId, r.unit, r.matter, r.repeatOf, localMinute(r.openedAt)]),
    ),
    ...section(
      '五、同一房屋同一报修三次及以上',
      ['服务中心', '房号', '报修内容', '次数', '受理编号'],
      report.repeatedRepairs.map((r) => [names[r.centre] ?? r.centre, r.unit, r.fault, r.count, r.caseIds.join('、')]),
    ),
    ...section(
      '六、回访不合格',
      ['业务', '受理编号', '房号', '回访时间', '回访人', '回访记录'],
      report.unsatisfiedVisits.map((r) => [procedureName(r.procedure), r.caseId, r.unit, localMinute(r.at), r.visitor, r.note]),
    ),
    ...section(
      '七、投诉案例',
      ['受理编号', '房号', '投诉事项', '原因分析', '预防措施', '记录人', '记录时间'],
      report.caseStudies.map((r) => [r.caseId, r.unit, r.matter, r.cause, r.prevention, r.recordedBy, localMinute(r.at)]),
    ),
    ...section(
      '八、维修抽样回访',
      ['抽样编号', '派工单月份', '派工单数', '抽样数', '已回访', '回访不合格'],
      report.repairSamples.map((r) => [r.caseId, r.month, r.orders, r.sampleSize, r.visited, r.unsatisfied]),
    ),
  ];
}
