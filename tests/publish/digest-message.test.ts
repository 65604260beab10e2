// The digest builder as a pure view: its order (events first), its bounds (under 100 KB in both
// languages, however many and however long the stories), and headers no field can break into.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import { buildDigestMessage, digestSections, headerText, MAX_STORIES, MESSAGE_BUDGET_BYTES } from '../../src/publish/digest-message.ts';
import type { ItemView } from '../../src/store/items-query.ts';

function story(id: number, type: string, extra: Partial<ItemView> = {}): ItemView {
  return {
    id,
    title: `Story ${id} ${'about settlement services '.repeat(12)}`,
    url: `https://platform.example.ca/${id}?${'x'.repeat(400)}`,
    publishedAt: new Date(Date.UTC(2026, 4, 1, id % 24)),
    dateFromFeed: true,
    modifiedAt: null,
    firstSeenAt: new Date(),
    updatedAt: new Date(),
    author: null,
    summary: 'Des services d’établissement pour les nouveaux arrivants. '.repeat(20),
    contentHtml: '',
    language: 'fr',
    categories: [],
    topics: ['housing'],
    type,
    regions: ['atlantic'],
    province: null,
    enclosure: null,
    clusterId: id,
    source: { slug: 's', title: 'S', organization: 'Organisation <b>&</b> Co', region: 'atlantic', province: null, url: '', siteUrl: null, lastSuccessAt: null },
    also: [{ id: id + 10_000, title: 't', url: null, language: 'fr', source: 'o', organization: 'Other Org' }],
    ...extra,
  };
}

const sender = { name: 'Hub', address: '1 Rue Principale, Moncton NB', contact: 'https://hub.example.ca/contact' };
const input = (ui: 'en' | 'fr', stories: ItemView[]) => ({
  ui,
  frequency: 'weekly' as const,
  selectionTitle: 'Logement · Atlantique',
  selection: 'region=atlantic&topic=housing',
  stories,
  moreCount: 0,
  windowStart: new Date('2026-05-01T11:00:00Z'),
  publicUrl: 'https://hub.example.ca',
  link: '12.abc',
  sender,
});

describe('digest messages', () => {
  it('puts events first, then the other types', () => {
    const sections = digestSections([story(1, 'news'), story(2, 'event'), story(3, 'job'), story(4, 'event')]);
    expect(sections.map((s) => s.type)).toEqual(['event', 'news', 'job']);
    expect(sections[0].stories.map((s) => s.item.id)).toEqual([4, 2]);
  });

  it('stays under 100 KB in both languages, counting what it leaves out', () => {
    const many = Array.from({ length: 80 }, (_, i) => story(i + 1, i % 5 ? 'news' : 'event'));
    for (const ui of ['en', 'fr'] as const) {
      const m = buildDigestMessage(input(ui, many));
      expect(Buffer.byteLength(m.text) + Buffer.byteLength(m.html)).toBeLessThanOrEqual(MESSAGE_BUDGET_BYTES);
      expect(m.shownIds.length).toBeLessThanOrEqual(MAX_STORIES);
      expect(m.shownIds.length + m.moreCount).toBe(80);
      expect(m.text).toContain(ui === 'fr' ? 'ne tenaient pas dans ce message' : 'did not fit in this message');
      expect(m.html).toContain(ui === 'fr' ? 'Tout voir sur Passerelle' : 'See them all on Passerelle');
      // Text from feeds is escaped in the HTML.
      expect(m.html).toContain('Organisation &lt;b&gt;&amp;&lt;/b&gt; Co');
      expect(m.html).not.toContain('<b>&</b>');
      expect(m.headers['List-Unsubscribe']).toBe(`<https://hub.example.ca/${ui}/digests/unsubscribe/12.abc>`);
    }
  });

  it('keeps every header on one line', () => {
    expect(headerText('Logement\r\nBcc: x@example.org\u2028more')).toBe('Logement Bcc: x@example.org more');
    expect(headerText('x'.repeat(500)).length).toBe(200);
  });

  it('needs the sender identity and a From address when SMTP_URL is set', () => {
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.org:587' })).toThrow(/MAIL_FROM[\s\S]*MAIL_SENDER_NAME[\s\S]*MAIL_SENDER_ADDRESS/);
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.org' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ DIGEST_TIMEZONE: 'Mars/Olympus' })).toThrow(/DIGEST_TIMEZONE/);
    const c = loadConfig({ SMTP_URL: 'smtp://u:p@mail.example.org:587', MAIL_FROM: 'Hub <d@hub.example.ca>', MAIL_SENDER_NAME: 'Hub', MAIL_SENDER_ADDRESS: '1 Main St, Halifax NS', DIGEST_WEEKDAY: 'Friday', DIGEST_HOUR: '6' });
    expect(c.digests).toMatchObject({ hour: 6, weekday: 'friday', sender: { name: 'Hub', contact: 'http://localhost:8080' } });
    expect(loadConfig({}).digests.smtpUrl).toBeUndefined();
    // The certificate to trust is a file, found from where the hub starts.
    expect(loadConfig({ SMTP_TLS_CA: 'certs/mail.pem' }).digests.tlsCaFile).toBe(path.resolve('certs/mail.pem'));
  });
});
