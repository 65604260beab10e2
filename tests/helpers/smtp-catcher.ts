// A real SMTP server in the test process (smtp-server, on 127.0.0.1), which parses every message it
// takes with mailparser. Its behaviour can be changed between sends: refuse a recipient or every
// connection, drop the connection after the message, answer slowly.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface CaughtMessage {
  raw: Buffer;
  mail: ParsedMail;
  /** The envelope recipient. */
  to: string;
  secure: boolean;
}

export interface CatcherBehaviour {
  /** Greets with this code and closes (421: service not available). */
  refuseConnections?: number;
  /** Refuses RCPT TO for these addresses with these codes. */
  refuseRecipients?: { address: string; code: number; message?: string }[];
  /** Takes the whole message, then closes the connection without answering. */
  dropAfterData?: boolean;
  /** Waits this long before every answer to MAIL FROM, RCPT TO and the message. */
  delayMs?: number;
}

export interface SmtpCatcher {
  url: string;
  port: number;
  messages: CaughtMessage[];
  behave(b: CatcherBehaviour): void;
  /** Resolves once `n` messages have been taken in all. */
  waitFor(n: number, timeoutMs?: number): Promise<CaughtMessage[]>;
  close(): Promise<void>;
}

const refusal = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export async function startSmtpCatcher(options: Partial<SMTPServerOptions> = {}): Promise<SmtpCatcher> {
  let behaviour: CatcherBehaviour = {};
  const messages: CaughtMessage[] = [];
  const waiters: (() => void)[] = [];
  const later = (cb: () => void) => (behaviour.delayMs ? setTimeout(cb, behaviour.delayMs) : cb());
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    ...options,
    onConnect(_session, cb) {
      if (behaviour.refuseConnections) return cb(refusal(behaviour.refuseConnections, 'Service not available, try later'));
      cb();
    },
    onMailFrom(_address, _session, cb) {
      later(() => cb());
    },
    onRcptTo(address, _session, cb) {
      const r = behaviour.refuseRecipients?.find((x) => x.address === address.address.toLowerCase());
      if (r) return later(() => cb(refusal(r.code, r.message ?? 'Mailbox unavailable')));
      later(() => cb());
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        const mail = await simpleParser(raw);
        messages.push({ raw, mail, to: session.envelope.rcptTo[0]?.address ?? '', secure: session.secure });
        for (const w of waiters.splice(0)) w();
        if (behaviour.dropAfterData) {
          for (const conn of (server as unknown as { connections: Set<{ session: { id: string }; _socket: { destroy(): void } }> }).connections) {
            if (conn.session.id === session.id) conn._socket.destroy();
          }
          return;
        }
        later(() => cb());
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    behave(b) {
      behaviour = b;
    },
    async waitFor(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} messages, got ${messages.length}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
