// What one read-pool worker thread runs: a feed's or a page's body read exactly as in the main
// thread (readFeed, readPageBody), against the taxonomy the pool handed every worker, compiled
// once per worker.
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'piscina';
import type { Topic } from '../core/types.ts';
import { compileTaxonomy } from '../normalize/topics.ts';
import type { FeedReading } from './plan-ingest.ts';
import { readFeed, type ReadInput } from './read-feed.ts';
import { readPageBody, type PageReadInput } from './read-page-body.ts';

/** `started` hears from the worker when it takes the task up: the read's deadline counts from then. */
export type ReadTask = ({ kind: 'feed'; input: ReadInput } | { kind: 'page'; input: PageReadInput }) & { started: MessagePort };

const taxonomy = compileTaxonomy((workerData as { topics: Topic[] }).topics);

export function readTask(task: ReadTask): Promise<FeedReading> {
  task.started.postMessage(true);
  task.started.close();
  return task.kind === 'page' ? readPageBody(task.input, taxonomy) : readFeed(task.input, taxonomy);
}
