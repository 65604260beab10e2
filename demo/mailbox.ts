// The demo's mailbox: a real SMTP server (smtp-server) on 127.0.0.1 that keeps every message the
// hub sends, and a small page that lists them and shows each one (its plain text, and its HTML in
// a sandbox), so a newcomer can subscribe, confirm and read a digest with no mail account.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Mailbox {
  smtpUrl: string;
  pageUrl: string;
  close(): Promise<void>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const linkify = (text: string) => esc(text).replace(/https?:\/\/[^\s<]+/g, (u) => `<a href="${u}">${u}</a>`);

export async function startMailbox(options: { smtpPort: number; pagePort: number; host?: string }): Promise<Mailbox> {
  const host = options.host ?? '127.0.0.1';
  const messages: { at: Date; to: string; size: number; mail: ParsedMail }[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (mail) => {
            messages.unshift({ at: new Date(), to: session.envelope.rcptTo.map((r) => r.address).join(', '), size: raw.length, mail });
            if (messages.length > 200) messages.pop();
            cb();
          },
          (err: Error) => cb(err),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(options.smtpPort, host, resolve);
  });
  const page: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://mailbox');
    const m = /^\/messages\/(\d+)(\.html)?$/.exec(url.pathname);
    if (m && messages[Number(m[1])]) {
      const { mail, to, at, size } = messages[Number(m[1])];
      if (m[2]) {
        // The message's own HTML, as a mail client shows it: no script, nothing loaded from elsewhere.
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': "sandbox allow-popups allow-top-navigation-by-user-activation; default-src 'none'; style-src 'unsafe-inline'" });
        return res.end(typeof mail.html === 'string' ? mail.html : '<p>(no HTML part)</p>');
      }
      const headers = ['from', 'to', 'subject', 'date', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post', 'list-id', 'auto-submitted']
        .map((k) => [k, mail.headerLines.find((h) => h.key === k)?.line.replace(/^[^:]+:\s*/, '')])
        .filter(([, v]) => v);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end(
        `<!doctype html><meta charset="utf-8"><title>${esc(mail.subject ?? '')}</title><body style="font-family:sans-serif;max-width:60rem;margin:1rem auto">` +
          `<p><a href="/">← Mailbox</a> · to ${esc(to)} · ${at.toLocaleString()} · ${(size / 1024).toFixed(1)} KB · <a href="/messages/${m[1]}.html">HTML part alone</a></p>` +
          `<table>${headers.map(([k, v]) => `<tr><th style="text-align:left;padding-right:1em">${esc(k!)}</th><td>${esc(v!)}</td></tr>`).join('')}</table>` +
          `<h2>HTML part</h2><iframe src="/messages/${m[1]}.html" style="width:100%;height:40rem;border:1px solid #ccc"></iframe>` +
          `<h2>Plain-text part</h2><pre style="white-space:pre-wrap">${linkify(mail.text ?? '')}</pre></body>`,
      );
    }
    if (url.pathname !== '/') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', Refresh: '10' });
    res.end(
      `<!doctype html><meta charset="utf-8"><title>Demo mailbox</title><body style="font-family:sans-serif;max-width:60rem;margin:1rem auto">` +
        `<h1>Demo mailbox</h1><p>Every message the hub sent, newest first (this page reloads every 10 seconds). Nothing leaves this machine.</p>` +
        (messages.length
          ? `<ul>${messages.map((x, i) => `<li><a href="/messages/${i}">${esc(x.mail.subject ?? '(no subject)')}</a> — to ${esc(x.to)}, ${x.at.toLocaleTimeString()}</li>`).join('')}</ul>`
          : '<p>No message yet: subscribe by email in the Subscribe box of any page of the hub.</p>') +
        '</body>',
    );
  });
  await new Promise<void>((resolve, reject) => {
    page.once('error', reject);
    page.listen(options.pagePort, host, resolve);
  });
  return {
    smtpUrl: `smtp://${host}:${(smtp.server.address() as AddressInfo).port}`,
    pageUrl: `http://localhost:${(page.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((r) => page.close(() => r()));
      await new Promise<void>((r) => smtp.close(() => r()));
    },
  };
}
