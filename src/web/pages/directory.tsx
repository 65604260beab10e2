/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The directory: the organizations behind the sources, by region and province, under a map of
// Canada drawn in inline SVG (each province links to its items; no tiles, no script), with the
// small Maritime provinces labelled beside the coast and every province also listed as links
// large enough to tap on a phone. Each source shows its feeds and its health in plain words:
// general ones, from the error's code, never the addresses or host names an operator sees; HTTP
// statuses are for the admin pages. While the hub cannot reach any site, the page says so once
// and blames no source's address.
import { compareText, formatRecent } from '../../core/locale.ts';
import { PROVINCE_REGION, PROVINCES, REGIONS, type Language, type Province, type Region } from '../../core/types.ts';
import { LANGUAGE_LABELS, PROVINCE_LABELS, REGION_LABELS } from '../../core/words.ts';
import { isOffline } from '../../pipeline/hub-standing.ts';
import { isUnreached } from '../../pipeline/network-verdict.ts';
import { uiQuery } from '../../publish/feed-address.ts';
import { errorWords } from '../error-words.ts';
import type { SourceView } from '../source-views.ts';
import { MAP_HEIGHT, MAP_WIDTH, PROVINCE_SHAPES } from './canada-outlines.ts';
import { Layout, pageHref, type FeedLink, type PageContext } from './layout.tsx';

export type HealthKind = 'ok' | 'failing' | 'paused' | 'gone' | 'never';

/** Where a source stands, from its row: the last outcome wins over older ones. */
export function healthOf(s: SourceView): HealthKind {
  if (s.status === 'gone') return 'gone';
  if (s.status === 'paused') return 'paused';
  if (!s.lastFetchAt) return 'never';
  if (s.errorCount > 0 || (s.lastErrorCode && (!s.lastSuccessAt || (s.lastErrorAt && s.lastErrorAt >= s.lastSuccessAt)))) return 'failing';
  return 'ok';
}

interface Organization {
  name: string;
  siteUrl: string | null;
  sources: SourceView[];
}

function organizationsOf(rows: SourceView[]): Organization[] {
  const byName = new Map<string, Organization>();
  for (const s of rows) {
    const org = byName.get(s.organization) ?? { name: s.organization, siteUrl: null, sources: [] };
    org.siteUrl ??= s.siteUrl;
    org.sources.push(s);
    byName.set(s.organization, org);
  }
  return [...byName.values()];
}

function Health(props: { ctx: PageContext; source: SourceView; offline: boolean }) {
  const { ctx, source: s } = props;
  const { w, ui } = ctx;
  const kind = healthOf(s);
  // Offline, a site not reached says nothing about the source.
  const unreached = props.offline && kind === 'failing' && isUnreached(s.lastErrorCode);
  const word = unreached ? w.healthUnreached : { ok: w.healthOk, failing: w.healthFailing, paused: w.healthPaused, gone: w.healthGone, never: w.healthNever }[kind];
  const tone = kind === 'ok' ? 'ok' : kind === 'paused' || kind === 'never' || unreached ? 'warn' : 'bad';
  // Each "3 hours ago" stays on one line.
  const facts: [string, Date][] = [];
  if (s.lastFetchAt) facts.push([w.lastFetch, s.lastFetchAt]);
  if (kind === 'failing' && s.lastSuccessAt) facts.push([w.lastSuccess, s.lastSuccessAt]);
  const showError = s.lastErrorCode && kind !== 'ok' && !unreached;
  return (
    <>
      <p class="health">
        {w.health}
        {w.colon} <strong class={tone}>{word}</strong>
        {facts.map(([label, at]) => (
          <>
            {` · ${label} `}
            <time class="nw" datetime={at.toISOString()}>
              {formatRecent(at, ctx.now, ui)}
            </time>
          </>
        ))}
      </p>
      {showError ? (
        <p class="err">
          {w.lastError}
          {w.colon} <span>{errorWords(s.lastErrorCode, s.lastErrorParams, ui)}</span>
        </p>
      ) : null}
    </>
  );
}

function OrganizationCard(props: { ctx: PageContext; org: Organization; offline: boolean }) {
  const { ctx, org } = props;
  const { w, ui } = ctx;
  const total = org.sources.reduce((n, s) => n + s.itemCount, 0);
  return (
    <li>
      <h4>{org.name}</h4>
      <p class="links">
        {org.siteUrl ? <a href={org.siteUrl}>{w.website}</a> : null}
        <a href={pageHref(ctx, '', `source=${org.sources.map((s) => s.slug).join(',')}`)}>{w.itemCount(total)}</a>
      </p>
      <ul>
        {org.sources.map((s) => (
          <li id={`source-${s.slug}`}>
            <strong>{s.title}</strong> <span class="meta">({s.languages.map((l) => LANGUAGE_LABELS[l][ui]).join(', ')})</span>
            <br />
            <span class="links">
              <a href={s.url}>{s.kind === 'page' ? w.pageOriginal : w.feedOriginal}</a>
              <a href={`${ctx.publicUrl}/sources/${s.slug}.rss${uiQuery(ui)}`}>{w.feedOurs}</a>
              <a href={pageHref(ctx, '', `source=${s.slug}`)}>{w.itemCount(s.itemCount)}</a>
            </span>
            <Health ctx={ctx} source={s} offline={props.offline} />
          </li>
        ))}
      </ul>
    </li>
  );
}

/** Where the small provinces' labels go, out in the Atlantic, with a line back to the province. */
const CALLOUTS: Partial<Record<Province, [number, number]>> = { pe: [918, 600], nb: [800, 800], ns: [958, 790] };
/** The radius, in map units, of the area around each label that takes a tap (about 24 px on a phone). */
const HIT_RADIUS = 38;

function CanadaMap(props: { ctx: PageContext; counts: Map<Province, number> }) {
  const { ctx, counts } = props;
  const { w, ui } = ctx;
  const byName = compareText(ui);
  return (
    <div class="map">
      <svg viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`} aria-labelledby="map-t map-d">
        <title id="map-t">{w.mapTitle}</title>
        <desc id="map-d">{w.mapHint}</desc>
        {/* The small provinces last, so no neighbour is drawn over their labels. */}
        {[...PROVINCE_SHAPES.filter((p) => !CALLOUTS[p.province]), ...PROVINCE_SHAPES.filter((p) => CALLOUTS[p.province])].map((shape) => {
          const n = counts.get(shape.province) ?? 0;
          const [x, y] = CALLOUTS[shape.province] ?? shape.label;
          // The name holds the visible label (WCAG 2.5.3), so "click NS" works for voice control.
          return (
            <a href={pageHref(ctx, '', `province=${shape.province}`)} class={n ? 'has' : undefined} aria-label={`${shape.province.toUpperCase()} — ${PROVINCE_LABELS[shape.province][ui]} — ${w.orgCount(n)}`}>
              <path d={shape.d} />
              {CALLOUTS[shape.province] ? <path class="lead" d={`M${x} ${y - 14}L${shape.label[0]} ${shape.label[1]}`} /> : null}
              <circle class="hit" cx={x} cy={y - 8} r={HIT_RADIUS} />
              <text x={x} y={y} aria-hidden="true">
                {shape.province.toUpperCase()}
              </text>
            </a>
          );
        })}
      </svg>
      <p class="meta">{w.mapHint}</p>
      <h2 class="vh" id="provinces-h">
        {w.mapList}
      </h2>
      <ul class="provinces" aria-labelledby="provinces-h">
        {[...PROVINCES]
          .sort((a, b) => byName(PROVINCE_LABELS[a][ui], PROVINCE_LABELS[b][ui]))
          .map((p) => (
            <li>
              <a href={pageHref(ctx, '', `province=${p}`)}>
                {PROVINCE_LABELS[p][ui]} <span class="count">({counts.get(p) ?? 0})</span>
              </a>
            </li>
          ))}
      </ul>
    </div>
  );
}

export function DirectoryPage(props: { ctx: PageContext; sources: SourceView[]; feeds: FeedLink[]; switchHref: string }) {
  const { ctx } = props;
  const { w, ui } = ctx;
  const compare = compareText(ui);
  const rows = [...props.sources].sort((a, b) => compare(a.organization, b.organization) || compare(a.title, b.title));
  const counts = new Map<Province, number>();
  for (const p of PROVINCES) counts.set(p, organizationsOf(rows.filter((s) => s.province === p)).length);
  const offline = isOffline(rows);
  return (
    <Layout ctx={ctx} title={`${w.directoryTitle} — Passerelle`} switchHref={props.switchHref} current="directory" feeds={props.feeds} description={w.directoryIntro}>
      <h1>{w.directoryTitle}</h1>
      <p class="lede">{w.directoryIntro}</p>
      {offline ? <p class="hub-empty">{w.directoryOffline}</p> : null}
      <p>
        <a href={`${ctx.publicUrl}/opml/sources.opml${uiQuery(ui)}`}>{w.sourcesOpml}</a>
      </p>
      <CanadaMap ctx={ctx} counts={counts} />
      {REGIONS.map((region: Region) => {
        const inRegion = rows.filter((s) => s.region === region);
        const regionWide: [string, SourceView[]] = [
          region === 'national' ? w.nationalWide : w.regionWide,
          inRegion.filter((s) => !s.province || PROVINCE_REGION[s.province] !== region),
        ];
        const groups = [
          ...PROVINCES.filter((p) => PROVINCE_REGION[p] === region).map((p): [string, SourceView[]] => [PROVINCE_LABELS[p][ui], inRegion.filter((s) => s.province === p)]),
          regionWide,
        ].filter(([, list]) => list.length > 0);
        return (
          <section class="region" aria-labelledby={`region-${region}`}>
            <h2 id={`region-${region}`}>
              {REGION_LABELS[region][ui]} <span class="count">({w.orgCount(organizationsOf(inRegion).length)})</span>
            </h2>
            {inRegion.length ? (
              <p>
                <a href={pageHref(ctx, '', `region=${region}`)}>{`${w.navRiver} — ${REGION_LABELS[region][ui]}`}</a>
              </p>
            ) : (
              <p>{w.noOrgs}</p>
            )}
            {groups.map(([label, list]) => (
              <>
                <h3>{label}</h3>
                <ul class="orgs">
                  {organizationsOf(list).map((org) => (
                    <OrganizationCard ctx={ctx} org={org} offline={offline} />
                  ))}
                </ul>
              </>
            ))}
          </section>
        );
      })}
    </Layout>
  );
}
