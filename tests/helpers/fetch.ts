// Fetch settings and result checks for tests: the SSRF guard stays on with only the fixture
// servers' loopback address allowlisted, and deadlines are short so failures finish fast.
import type { FetchSettings } from '../../src/core/config.ts';
import type { FetchFailed, FetchOk, FetchResult } from '../../src/fetch/fetch-feed.ts';

export const TEST_USER_AGENT = 'Passerelle/test (feed aggregator; +https://passerelle.example/contact)';

export function testFetchSettings(overrides: Partial<FetchSettings> = {}): FetchSettings {
  return {
    userAgent: TEST_USER_AGENT,
    timeoutMs: 3000,
    connectTimeoutMs: 1000,
    maxBytes: 1024 * 1024,
    maxRedirects: 5,
    concurrency: 8,
    hostConcurrency: 2,
    maxItems: 500,
    allowPrivateNetworks: false,
    privateAllowlist: ['127.0.0.1/32'],
    ...overrides,
  };
}

export function expectOk(result: FetchResult): FetchOk {
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${result.kind}: ${'error' in result ? result.error : ''}`);
  return result;
}

export function expectFailed(result: FetchResult): FetchFailed {
  if (result.kind !== 'failed') throw new Error(`expected failed, got ${result.kind}`);
  return result;
}
