import type { NotificationChannel, OutgoingMessage } from '../../activities/notifications';

/** A notification channel that keeps what it delivered, so tests can read the messages. */
export interface CapturingChannel extends NotificationChannel {
  readonly sent: OutgoingMessage[];
}

export function capturingChannel(): CapturingChannel {
  const sent: OutgoingMessage[] = [];
  return {
    name: 'test',
    sent,
    deliver(m) {
      sent.push(m);
      return Promise.resolve();
    },
  };
}
