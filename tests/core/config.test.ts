import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import { ConfigError } from '../../src/core/errors.ts';

describe('loadConfig', () => {
  it('has working defaults: port 8080, embedded database in ./data, feeds.yaml', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(c.feedsFile.endsWith('/feeds.yaml')).toBe(true);
    expect(c.fetch.allowPrivateNetworks).toBe(false);
    expect(c.fetch.maxRedirects).toBe(5);
    expect(c.fetch.userAgent).toMatch(/^Passerelle\/[\d.]+ \(feed aggregator; \+http:\/\/localhost:8080\)$/);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads every setting from the environment', () => {
    const c = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://u@db:5432/hub',
      PUBLIC_URL: 'https://hub.example.ca/',
      CONTACT_URL: 'mailto:ops@example.ca',
      ALLOW_PRIVATE_NETWORKS: 'true',
      PRIVATE_NETWORK_ALLOWLIST: '10.0.0.0/8, 192.168.1.10',
      FETCH_MAX_BYTES: '2048',
      LOG_LEVEL: 'debug',
    });
    expect(c.port).toBe(9000);
    expect(c.databaseUrl).toBe('postgres://u@db:5432/hub');
    expect(c.publicUrl).toBe('https://hub.example.ca');
    expect(c.fetch.userAgent).toContain('+mailto:ops@example.ca');
    expect(c.fetch.allowPrivateNetworks).toBe(true);
    expect(c.fetch.privateAllowlist).toEqual(['10.0.0.0/8', '192.168.1.10']);
    expect(c.fetch.maxBytes).toBe(2048);
    expect(c.logLevel).toBe('debug');
  });

  it('bounds what anonymous clients can grow: the feed cache in bytes, WebSub and saved feeds', () => {
    const c = loadConfig({});
    expect(c.feedCacheBytes).toBe(64 * 1024 * 1024);
    expect(c.feedStaleSeconds).toBe(5);
    expect(c.websub).toEqual({ concurrency: 8, hostConcurrency: 2, maxPending: 1000, maxPendingPerHost: 20, maxSubscriptions: 20_000, maxSubscriptionsPerHost: 200 });
    expect(c.savedFeeds).toEqual({ max: 50_000, perClientPerHour: 30 });
    expect(c.retention.savedFeedUnusedDays).toBe(365);
    const set = loadConfig({ FEED_CACHE_BYTES: '0', WEBSUB_HOST_CONCURRENCY: '4', WEBSUB_MAX_PENDING_PER_HOST: '5', SAVED_FEEDS_MAX: '10', SAVED_FEED_UNUSED_DAYS: '0', FEED_STALE_SECONDS: '0' });
    expect(set.feedStaleSeconds).toBe(0);
    expect([set.feedCacheBytes, set.websub.hostConcurrency, set.websub.maxPendingPerHost, set.savedFeeds.max, set.retention.savedFeedUnusedDays]).toEqual([0, 4, 5, 10, 0]);
    for (const [name, value] of [['FEED_CACHE_BYTES', '-1'], ['WEBSUB_HOST_CONCURRENCY', '0'], ['WEBSUB_MAX_SUBSCRIPTIONS', 'lots'], ['SAVED_FEEDS_PER_HOUR', '0'], ['FEED_STALE_SECONDS', '-1']]) {
      expect(() => loadConfig({ [name]: value }), name).toThrow(new RegExp(name));
    }
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(8080);
  });

  it('reports every problem at once, naming each variable', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', ALLOW_PRIVATE_NETWORKS: 'maybe' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'ALLOW_PRIVATE_NETWORKS']) expect(text).toContain(name);
  });

  it('refuses inverted interval bounds and malformed allowlist entries', () => {
    expect(() => loadConfig({ MIN_INTERVAL_MINUTES: '120', MAX_INTERVAL_MINUTES: '60' })).toThrow(/MIN_INTERVAL_MINUTES/);
    expect(() => loadConfig({ PRIVATE_NETWORK_ALLOWLIST: 'intranet.local' })).toThrow(/PRIVATE_NETWORK_ALLOWLIST/);
  });
});
