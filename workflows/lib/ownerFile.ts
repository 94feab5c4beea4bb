/**
 * 一户一档: what a household's owner file holds (DOMAIN.md §5 "Owner archive", 客户档案).
 * One word in code: `ownerFile` (also the Prisma model OwnerFileEntry, the record kind and the inventory activity), never "owner archive".
 */
import { z } from 'zod';
import type { Role } from './roles';

/** Customer-service staff read owner files directly (logged, no approval); anyone else through an approved access. */
export const directReaders: readonly Role[] = ['csr', 'supervisor', 'manager'];

export const ownerFileKinds = [
  'moveInNotice', // 入住通知书
  'idCopy', // 身份证复印件
  'feeNotice', // 缴费通知
  'inspection', // 验房记录
  'renovation', // 装修资料
  'ownershipChange', // 产权变更
  'tenancy', // 租赁资料
  'repair', // 报修
  'complaint', // 投诉
  'paidService', // 有偿服务单
] as const;
export const ownerFileKindSchema = z.enum(ownerFileKinds);
export type OwnerFileKind = z.infer<typeof ownerFileKindSchema>;

export const ownerFileKindNames: Record<OwnerFileKind, string> = {
  moveInNotice: '入住通知书',
  idCopy: '身份证复印件',
  feeNotice: '缴费通知',
  inspection: '验房记录',
  renovation: '装修资料',
  ownershipChange: '产权变更资料',
  tenancy: '租赁资料',
  repair: '报修记录',
  complaint: '投诉记录',
  paidService: '有偿服务单',
};
