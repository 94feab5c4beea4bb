/** The key cabinet's register (DOMAIN.md §4): statuses, parts, ids. Shared by workflows, activities and the API. */
import { z } from 'zod';
import { defaultCentre } from '../lib/stepRecord';

export const keyStatuses = ['inCabinet', 'sealed', 'onLoan', 'lost', 'damaged'] as const;
export type KeyStatus = (typeof keyStatuses)[number];

export const keyStatusNames: Record<KeyStatus, string> = {
  inCabinet: '在柜',
  sealed: '封存',
  onLoan: '借出',
  lost: '遗失',
  damaged: '损坏',
};

/** Parts a unit's keys are kept for; free text beyond these is allowed (`storeRoom`...). */
export const keyPartSchema = z.string().trim().regex(/^[A-Za-z][A-Za-z0-9]{0,23}$/, '钥匙部位须为英文标识，如 unitDoor、mailbox');

/**
 * A key is named by its centre, unit and part: `north/3-2-1101/unitDoor`. The default
 * centre's keys keep the names they had before centres (`3-2-1101/unitDoor`), so the
 * cases that hold them read the same.
 */
export const keyIdOf = (centre: string, unit: string, part: string): string => (centre === defaultCentre ? `${unit}/${part}` : `${centre}/${unit}/${part}`);
export const keyIdSchema = z
  .string()
  .trim()
  .min(3)
  .max(120)
  .regex(/^(?:[a-z0-9][a-z0-9-]{0,31}\/)?[^/\s]+\/[A-Za-z][A-Za-z0-9]{0,23}$/, '钥匙编号格式：[服务中心/]<房号>/<部位>');
/** The centre a key's name says it belongs to. */
export const centreOfKeyId = (id: string): string => {
  const parts = id.split('/');
  return parts.length === 3 ? parts[0] : defaultCentre;
};

export interface KeyRecord {
  id: string;
  centre: string;
  unit: string;
  part: string;
  label: string;
  status: KeyStatus;
  holder: string | null;
  copies: number;
}

/** Failure types of the register's activities (non-retryable). */
export const keyFailure = {
  onLoan: 'KeyOnLoan',
  unavailable: 'KeyUnavailable',
  notFound: 'KeyNotFound',
} as const;
