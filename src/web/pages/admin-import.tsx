/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Importing sources from an OPML file in the admin pages: the file, the same options and the same
// dry run as `passerelle opml import`, and the same report, in the page's language: what the file
// adds (with where each source's languages came from), what it skips, the folders that name no
// topic, or every problem that keeps the whole file out.
import { formatBytes, LOCALES } from '../../core/locale.ts';
import type { Language, Province, Region } from '../../core/types.ts';
import { LANGUAGE_LABELS, PROVINCE_LABELS, REGION_LABELS } from '../../core/words.ts';
import type { ImportReport, OutlineProblem } from '../../pipeline/import-opml.ts';
import { ADMIN_FORM_WORDS, fieldProblemText } from '../admin-form-words.ts';
import { LanguagesField, PlaceFields, Problems } from './admin-add.tsx';
import { ActionForm, AdminLayout, adminHref, Notice, type AdminContext } from './admin-frame.tsx';

export interface ImportChoices {
  region: Region | '';
  languages: Language[];
  dryRun: boolean;
}

export type ImportOutcome =
  | { kind: 'report'; report: ImportReport }
  /** The file was refused whole: its outlines' problems, or a reason for the file itself. */
  | { kind: 'refused'; problems: OutlineProblem[]; detail?: string }
  | { kind: 'file'; text: string; detail?: string };

function Report(props: { ctx: AdminContext; report: ImportReport; topicLabels: Map<string, string> }) {
  const { ctx, report } = props;
  const { aw, ui } = ctx;
  const fw = ADMIN_FORM_WORDS[ui];
  const place = (region: Region, province?: Province) => {
    const r = REGION_LABELS[region][ui];
    const p = province ? PROVINCE_LABELS[province][ui] : undefined;
    return p && p !== r ? `${r} — ${p}` : r;
  };
  return (
    <section aria-labelledby="report-h">
      <h2 id="report-h">{fw.reportHeading}</h2>
      <Notice tone="ok">
        <p class="tally">{report.dryRun ? fw.reportDry(report.imported.length, report.skipped.length) : fw.reportDone(report.imported.length, report.skipped.length)}</p>
        {report.dryRun && report.imported.length ? <p>{fw.reportAgain}</p> : null}
      </Notice>
      {report.imported.length ? (
        <div class="table-wrap" role="region" aria-label={fw.importedCaption(report.imported.length)} tabindex={0}>
          <table class="imported">
            <caption class="vh">{fw.importedCaption(report.imported.length)}</caption>
            <thead>
              <tr>
                <th scope="col">{aw.fieldTitle}</th>
                <th scope="col">{aw.fieldOrganization}</th>
                <th scope="col">{fw.colPlace}</th>
                <th scope="col">{aw.fieldLanguages}</th>
                <th scope="col">{aw.fieldTopics}</th>
              </tr>
            </thead>
            <tbody>
              {report.imported.map((s) => (
                <tr>
                  <th scope="row">
                    {report.dryRun ? s.title : <a href={adminHref(ctx, `sources/${s.slug}`)}>{s.title}</a>}
                    <br />
                    <span class="meta url">{s.url}</span>
                  </th>
                  <td>{s.organization}</td>
                  <td>{place(s.region, s.province)}</td>
                  <td>
                    {s.languages.map((l) => LANGUAGE_LABELS[l][ui]).join(', ')}
                    <br />
                    <span class={s.languagesFrom === 'assumed' ? 'meta warn' : 'meta'}>{fw.languagesFrom[s.languagesFrom]}</span>
                  </td>
                  <td>{s.topics.length ? s.topics.map((t) => props.topicLabels.get(t) ?? t).join(', ') : aw.none}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {report.skipped.length ? (
        <>
          <h3>{fw.skippedHeading}</h3>
          <ul>
            {report.skipped.map((s) => (
              <li>
                <span class="url">{s.url}</span>
                {ctx.w.colon} {s.code === 'listed-twice' ? fw.skippedTwice(s.existing ?? '') : fw.skippedRegistered(s.existing ?? '')}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {report.unmatchedFolders.length ? <p>{fw.unmatchedFolders(report.unmatchedFolders.join(', '))}</p> : null}
    </section>
  );
}

function Refusal(props: { ctx: AdminContext; outcome: Exclude<ImportOutcome, { kind: 'report' }> }) {
  const { ctx, outcome } = props;
  const { aw, ui, w } = ctx;
  const fw = ADMIN_FORM_WORDS[ui];
  return (
    <div class="notice bad" role="alert" aria-labelledby="problem-h">
      <h2 id="problem-h">{fw.importRefusedHeading}</h2>
      {outcome.kind === 'refused' ? (
        <>
          <p>{fw.importRefused(outcome.problems.length)}</p>
          <ul>
            {outcome.problems.map((p) => (
              <li>
                {fw.outline(p.outline, p.title ?? '')}
                {w.colon} <Problems texts={[fieldProblemText(p, ui)]} />
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{outcome.text}</p>
      )}
      {outcome.detail ? (
        <p class="meta">
          {aw.technicalDetail}
          {w.colon} <span lang={ui === 'en' ? undefined : 'en'}>{outcome.detail}</span>
        </p>
      ) : null}
    </div>
  );
}

export function ImportPage(props: {
  ctx: AdminContext;
  choices: ImportChoices;
  switchHref: string;
  topicLabels: Map<string, string>;
  limits: { maxBytes: number; maxOutlines: number };
  outcome?: ImportOutcome;
  status?: number;
}) {
  const { ctx, choices, outcome } = props;
  const { aw, ui } = ctx;
  const fw = ADMIN_FORM_WORDS[ui];
  const failed = outcome && outcome.kind !== 'report';
  return (
    <AdminLayout ctx={ctx} title={failed ? aw.titleWithError(fw.importTitle) : fw.importTitle} switchHref={props.switchHref} current="import">
      <h1>{fw.importTitle}</h1>
      <p class="lede">{fw.importIntro}</p>
      {outcome?.kind === 'report' ? <Report ctx={ctx} report={outcome.report} topicLabels={props.topicLabels} /> : null}
      {outcome && outcome.kind !== 'report' ? <Refusal ctx={ctx} outcome={outcome} /> : null}
      <ActionForm ctx={ctx} action={adminHref(ctx, 'import')} class="admin-form" multipart>
        <div class="field">
          <label for="f-file">
            {fw.fileLabel} <span class="meta">({aw.required})</span>
          </label>
          <p class="hint" id="f-file-hint">
            {fw.fileHint(formatBytes(props.limits.maxBytes, ui), props.limits.maxOutlines.toLocaleString(LOCALES[ui]))}
          </p>
          <input type="file" id="f-file" name="file" required accept=".opml,.xml,text/x-opml,application/xml,text/xml" aria-describedby="f-file-hint" />
        </div>
        <PlaceFields ctx={ctx} region={choices.region} province="" errors={new Map()} any={fw.importRegionEach} regionLabel={fw.importRegion} hint="" noProvince />
        <LanguagesField ctx={ctx} chosen={choices.languages} errors={new Map()} hint={fw.importLanguagesHint} legend={fw.importLanguages} />
        <p class="check">
          <input type="checkbox" id="f-dry-run" name="dryRun" value="yes" checked={choices.dryRun} />
          <label for="f-dry-run">{fw.dryRun}</label>
        </p>
        <p>
          <button type="submit">{fw.importButton}</button>
        </p>
      </ActionForm>
    </AdminLayout>
  );
}
