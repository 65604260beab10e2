/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// What an empty list says while the hub itself has no items: no source, a first fetch still to
// come, no network, or sources that all fail, with what to do and when the next try is. Reader
// words only: nothing here names an address or a host.
import { formatUpcoming } from '../../core/locale.ts';
import type { HubStanding } from '../../pipeline/hub-standing.ts';
import { pageHref, type PageContext } from './layout.tsx';

/** Whether a list that came back empty should explain the hub rather than the filter. */
export function isHubEmpty(standing: HubStanding | undefined): standing is HubStanding {
  return standing !== undefined && standing.kind !== 'has-items';
}

export function HubEmpty(props: { ctx: PageContext; standing: HubStanding }) {
  const { ctx, standing: s } = props;
  const { w, ui } = ctx;
  const [what, advice] =
    s.kind === 'no-sources' ? [w.hubNoSources, w.hubNoSourcesDo]
    : s.kind === 'offline' ? [w.hubOffline(s.sources), w.hubOfflineDo]
    : s.kind === 'failing' ? [w.hubFailing(s.sources), w.hubFailingDo]
    : s.kind === 'quiet' ? [w.hubQuiet(s.read), w.hubQuietDo]
    : [w.hubWaiting(s.sources), w.hubWaitingDo];
  // A fetch already due says nothing: it is under way.
  const next = s.nextFetchAt && s.kind !== 'quiet' ? formatUpcoming(s.nextFetchAt, ctx.now, ui) : undefined;
  return (
    <div class="hub-empty">
      <p>
        <strong>{what}</strong>
      </p>
      <p>
        {advice}
        {next ? ` ${w.hubNextTry(next)}` : ''}
      </p>
      {s.kind === 'no-sources' ? null : (
        <p>
          <a href={pageHref(ctx, 'directory')}>{w.hubSeeSources}</a>
        </p>
      )}
    </div>
  );
}
