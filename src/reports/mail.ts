/**
 * Outgoing mail behind a small port: SMTP through nodemailer, or — in demo and test mode
 * without an SMTP server — the demo outbox, an in-memory list an administrator reads at
 * /admin/outbox. The outbox lives in this process only and keeps the latest messages.
 */
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Clock } from '../platform/clock.js';

export interface OutgoingMail {
  readonly to: { readonly name: string; readonly address: string };
  readonly subject: string;
  readonly text: string;
}

export interface Mailer {
  readonly transport: 'smtp' | 'outbox';
  /** Resolves once the server (or the outbox) accepted the message; rejects otherwise. */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

export interface OutboxEntry extends OutgoingMail {
  readonly id: string;
  readonly at: Date;
  readonly from: string;
}

export interface DemoOutbox {
  /** Newest first. */
  entries(): readonly OutboxEntry[];
}

/** A mail failure as the log and the audit trail may see it: codes, never addresses. */
export function mailErrorCode(err: unknown): string {
  const e = err as { code?: unknown; responseCode?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'ERROR';
  return typeof e.responseCode === 'number' ? `${code} ${e.responseCode}` : code;
}

function fromHeader(from: Config['mail']['from']): string | { name: string; address: string } {
  return from.name === undefined ? from.address : { name: from.name, address: from.address };
}

export function createSmtpMailer(smtp: NonNullable<Config['mail']['smtp']>, from: Config['mail']['from']): Mailer {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // Refuse clear text when STARTTLS is missing or stripped (config requires it in production).
    requireTLS: smtp.requireTls,
    ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    tls: { minVersion: 'TLSv1.2' },
    // Fail fast: a dead server must not hold an administrator's request for minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    transport: 'smtp',
    async send(mail) {
      const info = await transport.sendMail({ from: fromHeader(from), to: mail.to, subject: mail.subject, text: mail.text });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}

export function createDemoOutbox(clock: Clock, from: Config['mail']['from'], capacity = 200): Mailer & DemoOutbox {
  const entries: OutboxEntry[] = [];
  const fromText = from.name === undefined ? from.address : `${from.name} <${from.address}>`;
  return {
    transport: 'outbox',
    send(mail) {
      const entry: OutboxEntry = { ...mail, id: randomUUID(), at: clock.now(), from: fromText };
      entries.unshift(entry);
      entries.length = Math.min(entries.length, capacity);
      return Promise.resolve({ messageId: `<${entry.id}@outbox.invalid>` });
    },
    entries: () => entries,
    close: () => undefined,
  };
}

/** The mailer the config asks for; production without SMTP has none (reminders are off). */
export function createMail(config: Config, deps: { clock: Clock; logger: Logger }): { mailer: Mailer | undefined; outbox: DemoOutbox | undefined } {
  const { smtp, from, outbox } = config.mail;
  if (smtp) return { mailer: createSmtpMailer(smtp, from), outbox: undefined };
  if (outbox) {
    const demo = createDemoOutbox(deps.clock, from);
    return { mailer: demo, outbox: demo };
  }
  deps.logger.warn('KW_SMTP_URL is not set: reminder e-mails cannot be sent');
  return { mailer: undefined, outbox: undefined };
}

export type Mail = ReturnType<typeof createMail>;

/**
 * Spaces calls at most `perSecond` a second (sends, not requests: the limit holds however
 * long each send takes). `now`/`sleep` are monotonic time, injectable for tests.
 */
export function createPacer(
  perSecond: number,
  deps: { now: () => number; sleep: (ms: number) => Promise<void> } = {
    now: () => performance.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  },
): () => Promise<void> {
  const interval = 1000 / perSecond;
  let next = Number.NEGATIVE_INFINITY;
  return async () => {
    const wait = next - deps.now();
    if (wait > 0) await deps.sleep(wait);
    next = Math.max(deps.now(), next) + interval;
  };
}
