import { createHmac } from 'node:crypto';
import type { Logger } from '../../util/logger';
import type { MeetingService } from '../MeetingService';

/** One reminder to a site whose report is missing (what an e-mail/SMS gateway needs). */
export interface ReportReminder {
  type: 'report.reminder';
  meetingId: string;
  meetingTitle: string;
  siteId: string;
  siteCode: string;
  siteName: string;
  deadline: string | null;
  at: string;
}

/** Where reminders go beyond the app (the city's gateway). Off by default. */
export interface ReminderGateway {
  send(reminder: ReportReminder): Promise<void>;
}

/**
 * POSTs each reminder as JSON to the configured URL, signed with HMAC-SHA256 of the body
 * (`X-GiaoBan-Signature: sha256=<hex>`) when a secret is set; 5 s timeout, no retries (the
 * reminder is in the app either way and the secretary can remind again).
 */
export class WebhookReminderGateway implements ReminderGateway {
  constructor(
    private readonly url: string,
    private readonly secret?: string,
    private readonly timeoutMs = 5_000,
  ) {}

  async send(reminder: ReportReminder): Promise<void> {
    const body = JSON.stringify(reminder);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.secret)
      headers['x-giaoban-signature'] =
        `sha256=${createHmac('sha256', this.secret).update(body).digest('hex')}`;
    const res = await fetch(this.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`gateway answered ${res.status}`);
  }
}

/**
 * Sends every `report.remind` this process wrote to the gateway (one call per site), off the
 * command's path: a slow or failing gateway never delays or fails the secretary's click.
 */
export function dispatchReminders(
  meetings: MeetingService,
  gateway: ReminderGateway,
  logger: Logger,
): void {
  meetings.on('applied', (meetingId, entry, p, _fx, local) => {
    if (!local || entry.type !== 'report.remind') return;
    for (const siteId of entry.data.siteIds) {
      const reminder: ReportReminder = {
        type: 'report.reminder',
        meetingId,
        meetingTitle: p.meeting.title,
        siteId,
        siteCode: p.siteCode(siteId),
        siteName: p.siteName(siteId),
        deadline: p.briefing.request?.deadline ?? null,
        at: entry.at,
      };
      gateway
        .send(reminder)
        .catch((e) => logger.warn('reminder gateway failed', { siteId, err: String(e) }));
    }
  });
}
