// Prints the normalize/ evaluation as readable tables: `npm run eval` (add --errors to list
// every miss).
import { evaluate, HOLDOUT_DIR, type PrecisionRecall } from './evaluate.ts';
import { evaluateTwins, TWINS_HOLDOUT_DIR } from './evaluate-twins.ts';
import { evaluateEvents, eventsOnGeneralSet, EVENTS_HOLDOUT_DIR, type EventReport, type Rate } from './evaluate-events.ts';
import { evaluateSearch, type Share } from './evaluate-search.ts';

const report = await evaluate();
const showErrors = process.argv.includes('--errors');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
const row = (name: string, m: PrecisionRecall, extra = '') =>
  `${name.padEnd(24)} ${pct(m.precision)} ${pct(m.recall)} ${pct(m.f1)}  ${String(m.truePositives).padStart(4)} ${String(m.falsePositives).padStart(4)} ${String(m.falseNegatives).padStart(4)}${extra}`;
const header = `${''.padEnd(24)} ${'prec'.padStart(6)} ${'recall'.padStart(6)} ${'F1'.padStart(6)}  ${'TP'.padStart(4)} ${'FP'.padStart(4)} ${'FN'.padStart(4)}`;

console.log(`normalize/ evaluation — ${report.items} labelled items (tests/fixtures/eval/)\n`);
console.log(`Topics${' '.repeat(18)}${header.slice(24)}  support`);
for (const [slug, m] of Object.entries(report.topics.perTopic)) console.log(row(slug, m, `  ${String(m.support).padStart(7)}`));
console.log('-'.repeat(header.length + 9));
console.log(row('micro', report.topics.micro));

console.log(`\nTypes${' '.repeat(19)}${header.slice(24)}  support`);
for (const [type, m] of Object.entries(report.type.perType)) console.log(row(type, m, `  ${String(m.support).padStart(7)}`));
console.log(`${'accuracy'.padEnd(24)} ${pct(report.type.accuracy)}`);

console.log(`\nLanguage`);
console.log(`${'accuracy'.padEnd(24)} ${pct(report.language.accuracy)}   (declared language alone: ${pct(report.language.declaredOnlyAccuracy).trim()})`);

console.log(`\nSame story (all pairs compared, duplicates closed into clusters)\n${header}  true pairs`);
console.log(row('duplicate pairs', report.duplicates, `  ${String(report.duplicates.pairs).padStart(10)}`));
console.log(row('translation pairs', report.translations, `  ${String(report.translations.pairs).padStart(10)}`));
console.log(
  row('duplicates, store-style', report.duplicatesFromCandidates, `  ${String(report.duplicatesFromCandidates.pairs).padStart(10)}`) +
    `   (only same-URL, shared-key or same-link-stem pairs: ${report.duplicatesFromCandidates.candidates} of ${(report.items * (report.items - 1)) / 2} compared)`,
);
console.log(`${'near misses merged'.padEnd(24)} ${report.nearMisses.merged.length} of ${report.nearMisses.pairs}${report.nearMisses.merged.length ? `: ${report.nearMisses.merged.join(', ')}` : ''}`);

const holdout = await evaluate({ dir: HOLDOUT_DIR });
console.log(`\nHeld-out set — ${holdout.items} items written after tuning (tests/fixtures/eval-holdout/)\n${header}`);
console.log(row('topics (micro)', holdout.topics.micro));
console.log(row('duplicate pairs', holdout.duplicates));
console.log(row('translation pairs', holdout.translations));
console.log(`${'language accuracy'.padEnd(24)} ${pct(holdout.language.accuracy)}`);
console.log(`${'type accuracy'.padEnd(24)} ${pct(holdout.type.accuracy)}`);
console.log(`${'near misses merged'.padEnd(24)} ${holdout.nearMisses.merged.length} of ${holdout.nearMisses.pairs}`);

const twins = await evaluateTwins();
const twinsHoldout = await evaluateTwins(TWINS_HOLDOUT_DIR);
console.log(`\nEnglish/French twins from their content — ${twins.items} items, ${twins.twinPairs} twin pairs, ${twins.nonTwinPairs} labelled near misses (tests/fixtures/twins/)`);
console.log(`${''.padEnd(24)} ${'prec'.padStart(6)} ${'recall'.padStart(6)}    TP wrong missed  near misses linked`);
const twinRow = (name: string, r: typeof twins) =>
  `${name.padEnd(24)} ${pct(r.precision)} ${pct(r.recall)}  ${String(r.truePositives).padStart(4)} ${String(r.wrong.length).padStart(5)} ${String(r.missed.length).padStart(6)}  ${r.nearMissesLinked.length} of ${r.nonTwinPairs}`;
console.log(twinRow('main set', twins));
console.log(twinRow(`held-out (${twinsHoldout.twinPairs} pairs)`, twinsHoldout));

const events = await evaluateEvents();
const eventsHoldout = await evaluateEvents({ dir: EVENTS_HOLDOUT_DIR });
const general = await eventsOnGeneralSet();
const share = (r: Rate) => `${pct(r.rate)}  ${String(r.right).padStart(4)} of ${String(r.of).padEnd(4)}`;
const eventRows = (r: EventReport) => [
  ['start date (day)', r.startDay], ['start time', r.startTime], ['end', r.end], ['all-day or not', r.allDay], ['time zone', r.zone],
  ['online or not', r.online], ['place', r.place], ['registration link', r.registration],
] as const;
console.log(`\nEvents — ${events.events} events (${events.english} English, ${events.french} French) and ${events.nonEvents.of} dated non-events (tests/fixtures/events/)`);
console.log(`${''.padEnd(24)} ${'main'.padStart(6)}${' '.repeat(14)}${'held-out'.padStart(8)} (${eventsHoldout.events} events, ${eventsHoldout.nonEvents.of} non-events)`);
const holdoutRows = eventRows(eventsHoldout);
eventRows(events).forEach(([name, r], i) => console.log(`${name.padEnd(24)} ${share(r)}  ${share(holdoutRows[i][1])}`));
console.log(`${'non-events given one'.padEnd(24)} ${String(events.nonEvents.invented.length).padStart(6)} of ${events.nonEvents.of}${' '.repeat(10)}${String(eventsHoldout.nonEvents.invented.length).padStart(3)} of ${eventsHoldout.nonEvents.of}`);
console.log(`${'general set non-events'.padEnd(24)} ${String(general.invented.length).padStart(6)} of ${general.nonEvents} given an event (tests/fixtures/eval/ and eval-holdout/)`);

const search = await evaluateSearch();
const found = (s: Share) => `${pct(s.of ? s.found / s.of : 1)}  ${String(s.found).padStart(4)} of ${String(s.of).padEnd(4)}`;
console.log(`\nBilingual search — ${search.items} labelled items, ${search.queries.length} queries (tests/fixtures/search/)`);
console.log(`${''.padEnd(24)} ${'items of the query’s topic found'}`);
console.log(`${'French query, English'.padEnd(24)} ${found(search.frToEn)}`);
console.log(`${'English query, French'.padEnd(24)} ${found(search.enToFr)}`);
for (const q of search.queries) {
  console.log(`${`  ${q.q}`.padEnd(24)} other language ${found(q.across)}  own language ${found(q.same)}  off topic ${q.offTopic.length}${q.ownLanguageFirst ? '' : '  (own language not first)'}`);
}

if (showErrors) {
  for (const q of search.queries) for (const id of [...q.across.missed, ...q.same.missed]) console.log(`  search miss: ${q.q} → ${id}`);
  console.log('\nEvent misses');
  for (const m of [...events.misses, ...eventsHoldout.misses]) console.log(`  ${m.id.padEnd(14)} ${m.what.padEnd(18)} expected ${m.expected}, got ${m.got}`);
  for (const id of [...events.nonEvents.invented, ...eventsHoldout.nonEvents.invented, ...general.invented]) console.log(`  non-event given an event: ${id}`);
  console.log('\nTwin errors');
  for (const r of [twins, twinsHoldout]) {
    for (const [what, list] of [['wrong', r.wrong], ['missed', r.missed]] as const) {
      for (const pair of list) {
        const s = r.signals.get(pair);
        console.log(`  ${what.padEnd(7)} ${pair}  ${s ? `${s.conflict ? `conflict: ${s.conflict} ` : ''}title ${s.titleSim.toFixed(2)} body ${s.bodySim.toFixed(2)} shared ${s.shared} ${s.minutesApart} min apart` : 'not comparable (language, publisher or window)'}`);
      }
    }
  }
  console.log('\nTopic errors (missing / extra)');
  for (const e of report.topicErrors) console.log(`  ${e.id.padEnd(12)} -[${e.missing.join(', ')}] +[${e.extra.join(', ')}]`);
  console.log('\nLanguage errors');
  for (const e of report.language.errors) console.log(`  ${e.id.padEnd(12)} expected ${e.expected}, got ${e.got}`);
  console.log('\nType errors');
  for (const e of report.type.errors) console.log(`  ${e.id.padEnd(12)} expected ${e.expected}, got ${e.got}`);
  console.log('\nHeld-out errors');
  for (const e of holdout.topicErrors) console.log(`  ${e.id.padEnd(12)} topics -[${e.missing.join(', ')}] +[${e.extra.join(', ')}]`);
  for (const e of holdout.language.errors) console.log(`  ${e.id.padEnd(12)} language expected ${e.expected}, got ${e.got}`);
  for (const e of holdout.type.errors) console.log(`  ${e.id.padEnd(12)} type expected ${e.expected}, got ${e.got}`);
  for (const m of holdout.nearMisses.merged) console.log(`  near miss merged: ${m}`);
}
