/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// One item: its sanitized content, who published it, the same story from other organizations
// and the same item in the other official language. The stored HTML was sanitized by
// normalize/sanitize-html.ts with a frozen policy; it is the only HTML not written by us.
import { formatDate } from '../../core/locale.ts';
import type { ItemLanguage } from '../../core/types.ts';
import { LANGUAGE_LABELS, READ_IN, TYPE_SINGULAR } from '../../core/words.ts';
import type { ItemRef, ItemView } from '../../store/items-query.ts';
import { EventBlock } from './event-parts.tsx';
import { foreignLang, Layout, pageHref, type FeedLink, type PageContext } from './layout.tsx';

/** A copy of the story elsewhere; a translation opens in its own language's pages. */
function RefLink(props: { ctx: PageContext; refItem: ItemRef; translation?: boolean }) {
  const { ctx, refItem } = props;
  const lang = foreignLang(ctx, refItem.language);
  const ui = props.translation && lang ? lang : ctx.ui;
  return (
    <li>
      <a href={pageHref(ctx, `items/${refItem.id}`, '', ui as PageContext['ui'])} lang={lang} hreflang={lang}>
        {refItem.title}
      </a>{' '}
      — {refItem.organization}
      {refItem.url ? (
        <>
          {' '}
          (<a href={refItem.url}>{ctx.w.readOriginal}</a>)
        </>
      ) : null}
    </li>
  );
}

export function ItemPage(props: { ctx: PageContext; item: ItemView; feeds: FeedLink[]; switchHref: string }) {
  const { ctx, item } = props;
  const { w, ui } = ctx;
  const lang = foreignLang(ctx, item.language);
  const typeLabel = TYPE_SINGULAR[item.type as keyof typeof TYPE_SINGULAR]?.[ui] ?? item.type;
  return (
    <Layout ctx={ctx} title={`${item.title} — Passerelle`} switchHref={props.switchHref} feeds={props.feeds} description={item.summary.slice(0, 200)}>
      <p>
        <a href={pageHref(ctx)}>← {w.back}</a>
      </p>
      <article class="item">
        <h1 lang={lang}>{item.title}</h1>
        {item.translation && (item.translation.language === 'en' || item.translation.language === 'fr') ? (
          <p class="twin">
            <a href={pageHref(ctx, `items/${item.translation.id}`)} lang={foreignLang(ctx, item.translation.language)} hreflang={item.translation.language}>
              {READ_IN[item.translation.language]}
            </a>
          </p>
        ) : null}
        <dl class="facts">
          <dt>{w.publishedBy}</dt>
          <dd>
            <a href={pageHref(ctx, 'directory', '', ui) + `#source-${item.source.slug}`}>{item.source.organization}</a>
          </dd>
          <dt>{item.dateFromFeed ? w.published : w.firstSeen}</dt>
          <dd>
            <time datetime={item.publishedAt.toISOString()}>{formatDate(item.publishedAt, ui)}</time>
          </dd>
          {item.modifiedAt && item.modifiedAt.getTime() - item.publishedAt.getTime() > 60_000 ? (
            <>
              <dt>{w.updated}</dt>
              <dd>
                <time datetime={item.modifiedAt.toISOString()}>{formatDate(item.modifiedAt, ui)}</time>
              </dd>
            </>
          ) : null}
          <dt>{w.language}</dt>
          <dd>{LANGUAGE_LABELS[item.language as ItemLanguage]?.[ui] ?? item.language}</dd>
          <dt>{w.type}</dt>
          <dd>{typeLabel}</dd>
          {item.topics.length ? (
            <>
              <dt>{w.topics}</dt>
              <dd class="tags">
                {item.topics.map((slug) => (
                  <a href={pageHref(ctx, '', `topic=${slug}`)}>{ctx.topicLabels.get(slug) ?? slug}</a>
                ))}
              </dd>
            </>
          ) : null}
        </dl>
        {item.event ? <EventBlock ctx={ctx} itemId={item.id} event={item.event} /> : null}
        {item.url ? (
          <p>
            <a class="button" href={item.url}>
              {w.readOriginal}
            </a>
          </p>
        ) : null}
        {item.contentHtml ? (
          <div class="content" lang={lang} dangerouslySetInnerHTML={{ __html: item.contentHtml }} />
        ) : (
          <div class="content">{item.summary ? <p lang={lang}>{item.summary}</p> : <p>{w.noContent}</p>}</div>
        )}
        {item.enclosure ? (
          <p>
            {w.attachment}
            {w.colon} <a href={item.enclosure.url}>{item.enclosure.url.split('/').pop() || item.enclosure.url}</a>
            {item.enclosure.type ? ` (${item.enclosure.type})` : ''}
          </p>
        ) : null}
        {item.translation ? (
          <section class="related" aria-labelledby="translation-h">
            <h2 id="translation-h">{w.translationHeading(item.translation.language)}</h2>
            <ul>
              <RefLink ctx={ctx} refItem={item.translation} translation />
            </ul>
          </section>
        ) : null}
        {item.also.length ? (
          <section class="related" aria-labelledby="also-h">
            <h2 id="also-h">{w.alsoPublishedBy}</h2>
            <ul>
              {item.also.map((a) => (
                <RefLink ctx={ctx} refItem={a} />
              ))}
            </ul>
          </section>
        ) : null}
      </article>
    </Layout>
  );
}
