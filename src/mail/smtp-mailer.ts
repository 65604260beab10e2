// Sending one message over SMTP, with nodemailer (the one place that imports it): a pool of
// connections to SMTP_URL (smtp:// upgrades with STARTTLS whenever the server offers it, and the
// certificate is checked; smtps:// is TLS from the start), reused from one message to the next.
// A server whose certificate no public authority signed (self-signed, or a private CA) is trusted
// when the operator names that certificate (SMTP_TLS_CA); verification stays on for every server.
// Like fetch/, this is I/O to the outside world, and it answers with what happened as a tagged
// union, never a throw: the job decides what each outcome means for a subscription.
//
// What SMTP lets us know: a reply code is certain (2xx taken, 4xx refused for now, 5xx refused).
// A connection that could not be opened took nothing. A connection that broke (or timed out)
// during the transaction may have taken the message or not: that outcome is `uncertain`, and the
// job sends the same message again later, under the same Message-ID.
import { readFileSync } from 'node:fs';
import { rootCertificates, type ConnectionOptions } from 'node:tls';
import nodemailer from 'nodemailer';
import { ConfigError } from '../core/errors.ts';

export interface OutgoingMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers (List-Unsubscribe, List-Id, Auto-Submitted …). */
  headers: Record<string, string>;
  /** `<…@host>`: fixed by the caller, so a message sent again is recognizably the same. */
  messageId: string;
  date: Date;
}

export type SendOutcome =
  | { kind: 'accepted'; response: string; durationMs: number }
  /** The server answered with a refusal. `recipient`: it refused this address (RCPT TO, or after DATA). */
  | { kind: 'refused'; code: number; permanent: boolean; recipient: boolean; response: string; durationMs: number }
  /** No connection, or none fit to send on (DNS, refused, TLS, authentication): nothing was handed over. */
  | { kind: 'unreachable'; error: string; durationMs: number }
  /** The connection broke during the transaction: the message may have been taken. */
  | { kind: 'uncertain'; error: string; durationMs: number };

export interface MailerOptions {
  smtpUrl: string;
  /** Connections (and so messages) at once. */
  maxConnections: number;
  /** The name we greet the server with (EHLO): the hub's host. */
  clientName?: string;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  /** Silence allowed on a connection before it is given up. */
  socketTimeoutMs?: number;
  /** Extra TLS options. */
  tls?: ConnectionOptions;
  /** A PEM file of certificates trusted beside the public authorities (SMTP_TLS_CA): a self-signed server's, or a private CA's. */
  caFile?: string;
}

/** The public authorities and the certificates of `file`; a file without one is a configuration error. */
function trustedAuthorities(file: string): string[] {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`SMTP_TLS_CA: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`], 'environment');
  }
  const certificates = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!certificates) throw new ConfigError([`SMTP_TLS_CA: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`], 'environment');
  return [...rootCertificates, ...certificates];
}

export interface Mailer {
  send(message: OutgoingMessage): Promise<SendOutcome>;
  /** Closes every connection; messages in flight end as `uncertain` (or `unreachable`). */
  close(): void;
}

/** Errors a connection attempt gives before any transaction began. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EDNS', 'ETLS', 'EAUTH', 'ENOTFOUND']);
/** A certificate that did not verify (node's X.509 codes): the handshake failed, so no message went on that connection. */
const CERTIFICATE_REFUSED = /CERT|SIGNATURE|ISSUER|INVALID_CA|HOSTNAME_MISMATCH|PATH_LENGTH/;

type SmtpError = Error & { code?: string; originalCode?: string; errno?: string; responseCode?: number; response?: string; command?: string };

/** What a nodemailer error means for the message (see the head of this file). */
export function classifySmtpError(err: SmtpError, durationMs: number): Exclude<SendOutcome, { kind: 'accepted' }> {
  const error = (err.response ?? err.message).replace(/\s+/g, ' ').slice(0, 300);
  if (typeof err.responseCode === 'number' && err.responseCode >= 400) {
    const command = err.command ?? '';
    return {
      kind: 'refused',
      code: err.responseCode,
      permanent: err.responseCode >= 500,
      recipient: command === 'RCPT TO' || command === 'DATA',
      response: error,
      durationMs,
    };
  }
  const codes = [err.code, err.originalCode, (err as { errno?: string }).errno].filter(Boolean) as string[];
  if (codes.some((c) => NOT_CONNECTED.has(c) || CERTIFICATE_REFUSED.test(c)) || (err.command === 'CONN' && /connect|greeting|ECONNREFUSED/i.test(err.message) && !/closed unexpectedly/i.test(err.message))) {
    return { kind: 'unreachable', error, durationMs };
  }
  return { kind: 'uncertain', error, durationMs };
}

export function createSmtpMailer(options: MailerOptions): Mailer {
  const tls = options.caFile ? { ...options.tls, ca: trustedAuthorities(options.caFile) } : options.tls;
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    pool: true,
    maxConnections: options.maxConnections,
    maxMessages: 1000,
    name: options.clientName,
    connectionTimeout: options.connectionTimeoutMs ?? 15_000,
    greetingTimeout: options.greetingTimeoutMs ?? 15_000,
    socketTimeout: options.socketTimeoutMs ?? 60_000,
    ...(tls ? { tls } : {}),
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(m) {
      const t0 = performance.now();
      const elapsed = () => Math.round(performance.now() - t0);
      try {
        const info = (await transport.sendMail({
          from: m.from,
          to: m.to,
          envelope: { from: m.from, to: [m.to] },
          subject: m.subject,
          text: m.text,
          html: m.html,
          headers: m.headers,
          messageId: m.messageId,
          date: m.date,
          // Our own words are checked; nodemailer still encodes every header it writes.
          // English and French text: quoted-printable, without scanning each message to choose.
          textEncoding: 'quoted-printable',
          disableFileAccess: true,
          disableUrlAccess: true,
        })) as { response?: string; rejected?: unknown[]; rejectedErrors?: SmtpError[] };
        if (info.rejected?.length) return classifySmtpError(info.rejectedErrors?.[0] ?? Object.assign(new Error('recipient refused'), { responseCode: 550, command: 'RCPT TO' }), elapsed());
        return { kind: 'accepted', response: String(info.response ?? '').slice(0, 300), durationMs: elapsed() };
      } catch (err) {
        return classifySmtpError(err as SmtpError, elapsed());
      }
    },
    close() {
      transport.close();
    },
  };
}
