// One verification of intent (W3C WebSub §5.3): a GET to the callback with a fresh challenge,
// which the subscriber agrees to by echoing it in a 2xx body. And the notice of a denial (§5.2),
// which asks for no answer. Each is one request and a value back; what to store is the caller's.
import { randomBytes } from 'node:crypto';
import type { CallbackRequest, CallbackResult } from '../fetch/callback-request.ts';
import { verificationUrl } from './websub-request.ts';

/** Sends one request to a callback (fetch/callback-request.ts with the hub's settings and signal). */
export type CallbackCaller = (request: CallbackRequest) => Promise<CallbackResult>;

/** A challenge is 32 characters; anything longer than this is not an echo of it. */
const CHALLENGE_READ_BYTES = 1024;
/** §5.2 gives hub.reason no limit; ours say what failed in a sentence. */
const REASON_MAX_LENGTH = 300;

export interface IntentToVerify {
  mode: 'subscribe' | 'unsubscribe';
  /** The topic as the subscriber named it in its request. */
  topic: string;
  callback: string;
  leaseSeconds: number;
}

export type VerifyOutcome =
  | { kind: 'verified' | 'refused'; status?: number; error?: string; durationMs: number }
  /** Stopped before an answer (shutdown): nothing was learnt. */
  | { kind: 'aborted' };

export async function verifyIntent(intent: IntentToVerify, call: CallbackCaller): Promise<VerifyOutcome> {
  const challenge = randomBytes(24).toString('base64url');
  const params: Record<string, string> = { 'hub.mode': intent.mode, 'hub.topic': intent.topic, 'hub.challenge': challenge };
  if (intent.mode === 'subscribe') params['hub.lease_seconds'] = String(intent.leaseSeconds);
  const result = await call({ method: 'GET', url: verificationUrl(intent.callback, params), maxResponseBytes: CHALLENGE_READ_BYTES });
  if (result.kind === 'failed') {
    return result.code === 'aborted' ? { kind: 'aborted' } : { kind: 'refused', error: result.error, durationMs: result.durationMs };
  }
  // §5.3.1: a 2xx whose body is exactly the challenge; any other answer is a refusal.
  const verified = result.status >= 200 && result.status < 300 && !result.truncated && result.body === challenge;
  return { kind: verified ? 'verified' : 'refused', status: result.status, durationMs: result.durationMs };
}

/** §5.2: tells a subscriber its subscription was refused after it was accepted. */
export async function tellDenied(denial: { topic: string; callback: string; reason: string }, call: CallbackCaller): Promise<'told' | 'aborted'> {
  const url = verificationUrl(denial.callback, { 'hub.mode': 'denied', 'hub.topic': denial.topic, 'hub.reason': denial.reason.slice(0, REASON_MAX_LENGTH) });
  const result = await call({ method: 'GET', url });
  return result.kind === 'failed' && result.code === 'aborted' ? 'aborted' : 'told';
}
