/**
 * Notifications: an outbox row per message (written in the same transaction as
 * the step that caused it), delivered through a channel, its status recorded.
 */
import type { Db } from '../db/client';

export interface OutgoingMessage {
  key: string;
  caseId: string | null;
  recipient: string;
  text: string;
}

/** Where messages go: SMS gateway, WeCom, e-mail... The default writes to the log. */
export interface NotificationChannel {
  readonly name: string;
  deliver(message: OutgoingMessage): Promise<void>;
}

export class LogChannel implements NotificationChannel {
  readonly name = 'log';
  constructor(private readonly write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)) {}
  async deliver(m: OutgoingMessage): Promise<void> {
    this.write(JSON.stringify({ level: 'info', msg: 'notification', caseId: m.caseId, to: m.recipient, text: m.text }));
  }
}

/** Send every still-pending outbox row among `keys`; a retry skips what was already sent. */
export async function deliverPending(db: Db, channel: NotificationChannel, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const pending = await db.notification.findMany({ where: { key: { in: keys }, status: { not: 'sent' } } });
  for (const n of pending) {
    try {
      await channel.deliver({ key: n.key, caseId: n.caseId, recipient: n.recipient, text: n.text });
      await db.notification.update({
        where: { key: n.key },
        data: { status: 'sent', sentAt: new Date(), attempts: { increment: 1 }, lastError: null },
      });
    } catch (err) {
      await db.notification.update({
        where: { key: n.key },
        data: { status: 'failed', attempts: { increment: 1 }, lastError: String(err).slice(0, 500) },
      });
      throw err; // let Temporal retry the activity; the row stays for the retry
    }
  }
}
