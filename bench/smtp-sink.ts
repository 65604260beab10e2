// The receiving end of the digests benchmark, in its own process as a real local mail server would
// be (so its work is not counted as the hub's): an SMTP server on 127.0.0.1 that takes every
// message, counts it and its size by language, and keeps nothing. It prints its port as one JSON
// line; "report" on stdin prints what it took as one JSON line, and it exits when stdin closes.
//   node --import tsx bench/smtp-sink.ts
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { SMTPServer } from 'smtp-server';

const sizes: Record<'en' | 'fr', number[]> = { en: [], fr: [] };
let bytes = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  // Every connection of the hub's pool at once, and more.
  maxClients: 1000,
  onData(stream, _session, cb) {
    let size = 0;
    let head = '';
    stream.on('data', (c: Buffer) => {
      if (head.length < 4000) head += c.toString('latin1');
      size += c.length;
    });
    stream.on('end', () => {
      bytes += size;
      // The language of a digest is in its links (List-Unsubscribe is among the first headers).
      sizes[/\/fr\/digests\//.test(head) ? 'fr' : 'en'].push(size);
      cb();
    });
  },
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
console.log(JSON.stringify({ port: (server.server.address() as AddressInfo).port }));

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() === 'report') console.log(JSON.stringify({ received: sizes.en.length + sizes.fr.length, bytes, sizes, cpu: process.cpuUsage() }));
}
server.close(() => process.exit(0));
