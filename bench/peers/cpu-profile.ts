// Reads a V8 CPU profile (node --cpu-prof) and says where the time went: per project file
// (each sample charged to the nearest frame of ours on its stack, so a library's time counts
// for the file that called it), per package or runtime part (self time), and the top functions.
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Time charged to the nearest src/ file on the stack, else the nearest package, else where it was spent. */
  byProjectFile: [string, number][];
  /** Self time by package, src/ stage or runtime part. */
  byPart: [string, number][];
  topFunctions: [string, number][];
}

/** "src/normalize/sanitize-html.ts", "pkg:drizzle-orm", "node:internal", "(garbage collector)". */
function partOf(frame: ProfileNode['callFrame'], level: 'file' | 'stage'): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return `pkg:${pkg[1]}`;
  const src = /\/((?:src|bin)\/[^?]+)/.exec(url);
  if (src) return level === 'file' ? src[1] : src[1].split('/').slice(0, 2).join('/');
  if (url.startsWith('node:')) return 'node:internal';
  return url.replace(/^file:\/\//, '');
}

const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);

export async function summarizeProfile(file: string): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // The nearest frame of ours on each node's stack (else the nearest package's), once per node:
  // it depends on the node's ancestry alone, so the parent's answer is reused.
  const nearest = new Map<number, { src?: string; pkg?: string }>();
  const nearestOf = (id: number): { src?: string; pkg?: string } => {
    const known = nearest.get(id);
    if (known) return known;
    const chain: number[] = [];
    let cur: number | undefined = id;
    let found: { src?: string; pkg?: string } = {};
    while (cur !== undefined) {
      const hit = nearest.get(cur);
      if (hit) {
        found = hit;
        break;
      }
      chain.push(cur);
      cur = parent.get(cur);
    }
    // Walk back down from the oldest unknown ancestor, each node inheriting what is above it.
    for (const n of chain.reverse()) {
      const part = partOf(byId.get(n)!.callFrame, 'file');
      found = {
        src: part.startsWith('src/') ? part : found.src,
        pkg: part.startsWith('pkg:') ? part : found.pkg,
      };
      nearest.set(n, found);
    }
    return found;
  };
  const ownerOf = (id: number): string => {
    const n = nearestOf(id);
    return n.src ?? n.pkg ?? partOf(byId.get(id)!.callFrame, 'file');
  };

  const byProjectFile = new Map<string, number>();
  const byPart = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    const node = byId.get(id)!;
    const self = partOf(node.callFrame, 'stage');
    byPart.set(self, (byPart.get(self) ?? 0) + ms);
    const owner = self === '(idle)' ? '(idle)' : ownerOf(id);
    byProjectFile.set(owner, (byProjectFile.get(owner) ?? 0) + ms);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${partOf(node.callFrame, 'file')}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  });
  return { totalMs, byProjectFile: sorted(byProjectFile), byPart: sorted(byPart), topFunctions: sorted(byFunction) };
}
