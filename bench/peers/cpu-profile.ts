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
  /** Time charged to the nearest src/ file on the stack (or a package when none of ours is). */
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

  // The nearest frame of ours on each node's stack, computed once per node.
  const ownerCache = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const cached = ownerCache.get(id);
    if (cached) return cached;
    const chain: number[] = [];
    let owner: string | undefined;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const hit = ownerCache.get(cur);
      if (hit) {
        owner = hit;
        break;
      }
      chain.push(cur);
      const part = partOf(byId.get(cur)!.callFrame, 'file');
      if (part.startsWith('src/')) {
        owner = part;
        break;
      }
    }
    owner ??= partOf(byId.get(id)!.callFrame, 'file');
    for (const c of chain) ownerCache.set(c, owner);
    return owner;
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
