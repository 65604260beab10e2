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

const NOW = new Date('2026-05-08T11:00:00Z');

/** An event on `start` (Halifax time, 10:00 to 11:30), as the store gives it back. */
function withEvent(start: string, place: Partial<NonNullable<ItemView['event']>> = {}): Pick<ItemView, 'event'> {
  const startAt = new Date(`${start}T13:00:00Z`);
  return {
    event: {
      start: `${start}T10:00:00-03:00`, end: `${start}T11:30:00-03:00`, allDay: false, timezone: 'America/Halifax', online: false,
      place: { city: 'Halifax', province: 'ns' }, startAt, endAt: new Date(startAt.getTime() + 90 * 60_000), sequence: 0, ...place,
    },
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
  now: NOW,
  publicUrl: 'https://hub.example.ca',
  link: '12.abc',
  sender,
});

describe('digest messages', () => {
  it('puts events first, then the other types', () => {
    const sections = digestSections([story(1, 'news'), story(2, 'event'), story(3, 'job'), story(4, 'event')], NOW);
    expect(sections.map((s) => s.type)).toEqual(['event', 'news', 'job']);
    expect(sections[0].stories.map((s) => s.item.id)).toEqual([4, 2]);
  });

  it('lists the events still to come by their own date, soonest first, and shows that date and place', () => {
    const later = story(1, 'event', withEvent('2026-05-20'));
    const sooner = story(2, 'event', withEvent('2026-05-12', { online: true, place: undefined }));
    const over = story(3, 'event', withEvent('2026-05-02'));
    const undated = story(4, 'event');
    const sections = digestSections([over, later, undated, story(5, 'news'), sooner], NOW);
    expect(sections[0].stories.map((s) => s.item.id)).toEqual([2, 1, 4, 3]);
    const en = buildDigestMessage(input('en', [later, sooner, story(5, 'news')]));
    // Eastern time, as the reader shows it by default: 10:00 in Halifax is 9:00 in Toronto.
    expect(en.text).toMatch(/Tue, May 12, 9:00\s?[–-]\s?10:30\s?a\.m\. EDT · Online/);
    expect(en.text).toMatch(/Wed, May 20, 9:00\s?[–-]\s?10:30\s?a\.m\. EDT · Halifax/);
    expect(en.text.indexOf('Story 2')).toBeLessThan(en.text.indexOf('Story 1'));
    const fr = buildDigestMessage(input('fr', [sooner]));
    expect(fr.text).toContain('En ligne');
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
