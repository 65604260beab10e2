// STARTTLS against a real SMTP server (smtp-server) that offers it with a self-signed certificate,
// made here with openssl for this run only (nothing secret is kept in the repository): the mailer
// upgrades whenever the server offers it, checks the certificate, and trusts one the operator names
// (SMTP_TLS_CA). A certificate it cannot verify means nothing is handed over, never a plain send.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { createSmtpMailer, type OutgoingMessage } from '../../src/mail/smtp-mailer.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.ts';

const run = promisify(execFile);

const message = (n: number): OutgoingMessage => ({
  from: 'Passerelle <digests@hub.example.ca>',
  to: 'reader@example.ca',
  subject: `Résumé ${n}`,
  text: `Nouvelles du jour ${n}`,
  html: `<p>Nouvelles du jour ${n}</p>`,
  headers: { 'Auto-Submitted': 'auto-generated' },
  messageId: `<test.${n}@hub.example.ca>`,
  date: new Date(),
});

describe('SMTP with STARTTLS offered by a server with a self-signed certificate', () => {
  let dir: string;
  let certFile: string;
  let catcher: SmtpCatcher;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-tls-'));
    certFile = path.join(dir, 'smtp.pem');
    const keyFile = path.join(dir, 'smtp.key');
    // The certificate names the address the mailer connects to, as a mail server's names its host.
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=mail.test', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile]);
    const [key, cert] = await Promise.all([readFile(keyFile), readFile(certFile)]);
    await rm(keyFile);
    catcher = await startSmtpCatcher({ disabledCommands: ['AUTH'], key, cert });
  });
  afterAll(async () => {
    await catcher?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    catcher.messages.length = 0;
  });

  it('upgrades to TLS when the server offers it, trusting the certificate the operator names', async () => {
    const mailer = createSmtpMailer({ smtpUrl: catcher.url, caFile: certFile, maxConnections: 1 });
    try {
      const outcome = await mailer.send(message(1));
      expect(outcome.kind).toBe('accepted');
      const [taken] = await catcher.waitFor(1);
      expect(taken.secure).toBe(true);
      expect(taken.mail.subject).toBe('Résumé 1');
      expect(taken.mail.messageId).toBe('<test.1@hub.example.ca>');
    } finally {
      mailer.close();
    }
  });

  it('sends nothing, in the clear or otherwise, to a server whose certificate it cannot verify', async () => {
    const mailer = createSmtpMailer({ smtpUrl: catcher.url, maxConnections: 1 });
    try {
      const outcome = await mailer.send(message(2));
      // Nothing was handed over: the job retries later, and the operator sees why.
      expect(outcome.kind).toBe('unreachable');
      expect(outcome.kind === 'unreachable' && outcome.error).toMatch(/certificate/i);
      expect(catcher.messages).toHaveLength(0);
    } finally {
      mailer.close();
    }
  });

  it('turns verification off only when SMTP_URL asks for it, and still encrypts', async () => {
    const mailer = createSmtpMailer({ smtpUrl: `${catcher.url}/?tls.rejectUnauthorized=false`, maxConnections: 1 });
    try {
      expect((await mailer.send(message(3))).kind).toBe('accepted');
      const [taken] = await catcher.waitFor(1);
      expect(taken.secure).toBe(true);
    } finally {
      mailer.close();
    }
  });

  it('says which setting is wrong when SMTP_TLS_CA is not a certificate', async () => {
    const notPem = path.join(dir, 'not-a-certificate.txt');
    await writeFile(notPem, 'hello');
    expect(() => createSmtpMailer({ smtpUrl: catcher.url, caFile: notPem, maxConnections: 1 })).toThrow(ConfigError);
    expect(() => createSmtpMailer({ smtpUrl: catcher.url, caFile: notPem, maxConnections: 1 })).toThrow(/SMTP_TLS_CA/);
    expect(() => createSmtpMailer({ smtpUrl: catcher.url, caFile: path.join(dir, 'missing.pem'), maxConnections: 1 })).toThrow(/SMTP_TLS_CA: cannot read/);
  });
});
