/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The admin page of email digests: per selection, how many confirmed subscribers it has, how many
// wait for confirmation or are suspended (with the servers' reasons), and the last digest's
// outcome; and a form to remove one address an operator is given. Never an address on screen.
import { formatStamp } from '../../core/locale.ts';
import type { SelectionStats } from '../../store/digests-repo.ts';
import { DIGEST_ADMIN_WORDS } from '../digest-words.ts';
import { ActionForm, AdminLayout, adminHref, Notice, type AdminContext, type NoticeTone } from './admin-frame.tsx';
import { pageHref } from './layout.tsx';

export interface DigestRow extends SelectionStats {
  title: string;
}

export function DigestsAdminPage(props: { ctx: AdminContext; switchHref: string; rows: DigestRow[]; mailEnabled: boolean; notice?: { tone: NoticeTone; text: string } }) {
  const { ctx, rows } = props;
  const da = DIGEST_ADMIN_WORDS[ctx.ui];
  return (
    <AdminLayout ctx={ctx} title={da.title} switchHref={props.switchHref} current="digests">
      <h1>{da.title}</h1>
      <p>{da.intro}</p>
      {props.notice ? <Notice tone={props.notice.tone}>{props.notice.text}</Notice> : null}
      {props.mailEnabled ? null : <Notice tone="bad">{da.off}</Notice>}
      {rows.length === 0 ? (
        <p>{da.none}</p>
      ) : (
        <div class="table-wrap" role="region" aria-label={da.title} tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{da.colSelection}</th>
                <th scope="col" class="num">
                  {da.colConfirmed}
                </th>
                <th scope="col" class="num">
                  {da.colPending}
                </th>
                <th scope="col">{da.colSuspended}</th>
                <th scope="col">{da.colLast}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <th scope="row">
                    <a href={pageHref(ctx, '', r.selection)}>{r.title}</a>
                  </th>
                  <td class="num">{r.active}</td>
                  <td class="num">{r.pending}</td>
                  <td>
                    {r.suspended ? (
                      <>
                        {r.suspended}
                        <ul>
                          {r.suspendedReasons.map((s) => (
                            <li class="error-cell">{da.suspendedWhy(s.count, s.reason)}</li>
                          ))}
                        </ul>
                      </>
                    ) : (
                      0
                    )}
                  </td>
                  <td>
                    {r.lastSend ? (
                      <>
                        {da.sendStatus[r.lastSend.status] ?? r.lastSend.status} · <span class="nw">{formatStamp(r.lastSend.at, ctx.ui).join(' ')}</span>
                        {r.lastSend.status !== 'sent' && r.lastSend.response ? <div class="error-cell">{r.lastSend.response}</div> : null}
                      </>
                    ) : (
                      da.never
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {ctx.session?.readOnly || !props.mailEnabled ? null : (
        <ActionForm ctx={ctx} action={adminHref(ctx, 'digests/send-now')}>
          <p>{da.sendNowIntro}</p>
          <p class="buttons">
            <button type="submit">{da.sendNowButton}</button>
          </p>
        </ActionForm>
      )}
      {ctx.session?.readOnly ? null : (
        <section aria-labelledby="remove-h">
          <h2 id="remove-h">{da.removeHeading}</h2>
          <p>{da.removeIntro}</p>
          <ActionForm ctx={ctx} action={adminHref(ctx, 'digests/remove')} class="admin-form">
            <div class="field">
              <label for="remove-email">{da.removeLabel}</label>
              <input type="email" id="remove-email" name="email" required maxlength={254} autocomplete="off" />
            </div>
            <p class="buttons">
              <button type="submit" class="danger">
                {da.removeButton}
              </button>
            </p>
          </ActionForm>
        </section>
      )}
    </AdminLayout>
  );
}
