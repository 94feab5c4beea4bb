/**
 * Activities: everything that touches the database or the outside world.
 * Built by a factory from their dependencies (the worker passes the real ones).
 * A case's steps are written by one activity each (`recordStep`, see
 * activities/stepWrite.ts), every write keyed, so a retry never writes twice.
 */
import type { Db } from '../db/client';
import { createArchiveActivities } from './archives';
import { createKeyActivities } from './keys';
import { createSampleActivities } from './samples';
import { deliverPending, type NotificationChannel } from './notifications';
import { createStepActivities } from './stepWrite';

export function createActivities(db: Db, channel: NotificationChannel) {
  return {
    ...createStepActivities(db, channel),
    ...createKeyActivities(db),
    ...createArchiveActivities(db),
    ...createSampleActivities(db),

    /** Messages that belong to no case (weekly audit, monthly filing): outbox rows keyed, then delivery. */
    async sendNotices(input: { key: string; at?: string; notices: { recipient: string; text: string }[] }): Promise<void> {
      const keys = input.notices.map((_, i) => `${input.key}:n${i}`);
      await db.$transaction(async (tx) => {
        for (const [i, n] of input.notices.entries()) {
          await tx.notification.upsert({
            where: { key: keys[i] },
            create: { key: keys[i], caseId: null, channel: channel.name, recipient: n.recipient, text: n.text, status: 'pending', ...(input.at ? { createdAt: new Date(input.at) } : {}) },
            update: {},
          });
        }
      });
      await deliverPending(db, channel, keys);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { NotificationChannel } from './notifications';
