// A V8 CPU profile of a piece of synchronous work (`perpsim simulate --profile`), taken in-process through the
// inspector protocol (node:inspector Session, Profiler.start/stop), written as a .cpuprofile file (opens in Chrome
// DevTools, VS Code, speedscope) and summarised as the functions with the most self time.
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** The main-thread session answers synchronously; a missing answer is an error, not silence. */
function postSync<T>(session: Session, method: string, params?: object): T {
  let result: T | undefined;
  let error: Error | null = null;
  let answered = false;
  session.post(method, params ?? {}, (err: Error | null, res?: unknown) => {
    answered = true;
    error = err;
    result = res as T;
  });
  if (!answered) throw new Error(`inspector: no synchronous answer to ${method}`);
  if (error) throw error;
  return result as T;
}

/** Runs `work` under the sampling profiler and returns its result and the profile. */
export function profileSync<T>(work: () => T, samplingIntervalUs = 500): { result: T; profile: CpuProfile } {
  const session = new Session();
  session.connect();
  try {
    postSync(session, 'Profiler.enable');
    postSync(session, 'Profiler.setSamplingInterval', { interval: samplingIntervalUs });
    postSync(session, 'Profiler.start');
    let result: T;
    try {
      result = work();
    } catch (e) {
      postSync(session, 'Profiler.stop');
      throw e;
    }
    const { profile } = postSync<{ profile: CpuProfile }>(session, 'Profiler.stop');
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

export function writeProfile(profile: CpuProfile, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(profile));
}

export interface SelfTimeRow {
  readonly fn: string;
  readonly location: string;
  readonly selfMs: number;
  readonly share: number;
}

/** Self time per function (samples × their time deltas, merged over the call tree), largest first. */
export function topSelfTime(profile: CpuProfile, n = 15): SelfTimeRow[] {
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((x) => [x.id, x]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // a sample's duration is the delta to the next sample (the last one gets the profile's end)
  for (let i = 0; i < samples.length; i++) {
    const d = i + 1 < deltas.length ? deltas[i + 1]! : 0;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + Math.max(0, d));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const merged = new Map<string, { fn: string; location: string; us: number }>();
  for (const [id, us] of selfUs) {
    const cf = byNode.get(id)!.callFrame;
    const fn = cf.functionName || (cf.url ? '(anonymous)' : '');
    const name = fn || byNode.get(id)!.callFrame.functionName || '(program)';
    const location = cf.url ? shortUrl(cf.url) + (cf.lineNumber > 0 ? `:${cf.lineNumber + 1}` : '') : '';
    const key = `${name}\u0000${location}`;
    const m = merged.get(key) ?? { fn: name, location, us: 0 };
    m.us += us;
    merged.set(key, m);
  }
  return [...merged.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, n)
    .map((m) => ({ fn: m.fn, location: m.location, selfMs: m.us / 1000, share: m.us / total }));
}

function shortUrl(url: string): string {
  if (!url.startsWith('file:')) return url;
  try {
    const rel = relative(process.cwd(), fileURLToPath(url));
    return rel.startsWith('..') ? fileURLToPath(url) : rel;
  } catch {
    return url;
  }
}

export function renderSelfTime(rows: readonly SelfTimeRow[]): string {
  const w = Math.min(48, Math.max(8, ...rows.map((r) => r.fn.length)));
  const lines = [`${'self ms'.padStart(10)}  ${'share'.padStart(6)}  ${'function'.padEnd(w)}  location`];
  for (const r of rows) {
    const fn = r.fn.length > w ? `${r.fn.slice(0, w - 1)}…` : r.fn;
    lines.push(
      `${r.selfMs.toFixed(1).padStart(10)}  ${(100 * r.share).toFixed(1).padStart(5)}%  ${fn.padEnd(w)}  ${r.location}`,
    );
  }
  return lines.join('\n');
}
