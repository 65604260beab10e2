// FetchSettings for the fetch tests: the SSRF guard stays on, with only the fixture server's
// loopback address allowlisted, and short deadlines so failure cases finish fast.
import type { FetchSettings } from '../../src/core/config.ts';

export const TEST_USER_AGENT = 'Passerelle/test (feed aggregator; +https://passerelle.example/contact)';

export function testSettings(overrides: Partial<FetchSettings> = {}): FetchSettings {
  return {
    userAgent: TEST_USER_AGENT,
    timeoutMs: 3000,
    connectTimeoutMs: 1000,
    maxBytes: 1024 * 1024,
    maxRedirects: 5,
    concurrency: 4,
    hostConcurrency: 2,
    maxItems: 500,
    allowPrivateNetworks: false,
    privateAllowlist: ['127.0.0.1/32'],
    ...overrides,
  };
}
