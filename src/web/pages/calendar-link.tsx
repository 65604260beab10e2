/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The subscribe box's calendar line: the .ics address to copy, and the same as webcal:, which
// opens the calendar application to subscribe.
import type { PageContext } from './layout.tsx';

export function CalendarLink(props: { ctx: PageContext; href: string }) {
  const { w } = props.ctx;
  return (
    <li>
      <b>{w.calendarFeed}</b> <a href={props.href}>{props.href}</a> (<a href={props.href.replace(/^https?:/, 'webcal:')}>{w.calendarSubscribe}</a>)
    </li>
  );
}
