/**
 * Notifications: an outbox row per message (written in the same transaction as
 * the step that caused it), delivered through a channel, its status recorded.
 */
import type { Db } from '../db/client';
import { Prisma } from '../generated/prisma/client';

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
  deliver(m: OutgoingMessage): Promise<void> {
    this.write(JSON.stringify({ level: 'info', msg: 'notification', caseId: m.caseId, to: m.recipient, text: m.text }));
    return Promise.resolve();
  }
}

/**
 * Send messages whose outbox rows were just written, then mark them sent in one
 * statement; a failed one is marked failed (still to send) and thrown, so the
 * activity's retry sends it and those after it, not those already sent.
 */
export async function deliver(db: Db, channel: NotificationChannel, messages: OutgoingMessage[]): Promise<void> {
  const sent: string[] = [];
  const markSent = async () => {
    // One SQL statement (not the client's query builder): it follows every message of every step.
    if (sent.length) await db.$executeRaw`UPDATE "Notification" SET "status" = 'sent', "sentAt" = ${new Date()}, "attempts" = "attempts" + 1, "lastError" = NULL WHERE "key" IN (${Prisma.join(sent)})`;
  };
  for (const m of messages) {
    try {
      await channel.deliver(m);
      sent.push(m.key);
    } catch (err) {
      await markSent();
      await db.notification.update({ where: { key: m.key }, data: { status: 'failed', attempts: { increment: 1 }, lastError: String(err).slice(0, 500) } });
      throw err;
    }
  }
  await markSent();
}

/** Send every still-pending outbox row among `keys` (a retry, or messages that belong to no case); what was sent is skipped. */
export async function deliverPending(db: Db, channel: NotificationChannel, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const pending = await db.notification.findMany({ where: { key: { in: keys }, status: { not: 'sent' } } });
  await deliver(db, channel, pending.map((n) => ({ key: n.key, caseId: n.caseId, recipient: n.recipient, text: n.text })));
}
