// Email digests for one process, when SMTP_URL is set: the SMTP mailer and the confirmation and
// digest jobs, which run wherever fetching runs (serve, worker) and in `digests send --now`.
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import { getMetrics } from '../core/metrics.ts';
import type { Topic } from '../core/types.ts';
import { createSmtpMailer, type Mailer } from '../mail/smtp-mailer.ts';
import { createDigestJobs, type DigestJobs } from '../schedule/digest-jobs.ts';
import type { Db } from '../store/db.ts';

export interface DigestWiring {
  jobs: DigestJobs;
  mailer: Mailer;
}

/** Undefined when SMTP_URL is unset: then no form is shown and nothing is sent. */
export function createDigestWiring(config: Readonly<Config>, db: Db, topics: Topic[], logger: Logger): DigestWiring | undefined {
  const d = config.digests;
  if (!d.smtpUrl || !d.from || !d.sender) return undefined;
  const mailer = createSmtpMailer({ smtpUrl: d.smtpUrl, caFile: d.tlsCaFile, maxConnections: d.concurrency, clientName: new URL(config.publicUrl).hostname });
  const jobs = createDigestJobs({
    db,
    mailer,
    logger,
    publicUrl: config.publicUrl,
    topics,
    settings: { ...d, from: d.from, sender: d.sender },
    onDigest: (outcome) => getMetrics().recordDigest(outcome),
    onConfirmation: (outcome) => getMetrics().recordConfirmation(outcome),
  });
  return { jobs, mailer };
}
