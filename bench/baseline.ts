// The "previous engine" for `npm run bench`: a git ref (default: the pinned commit in bench/baseline.json)
// materialised once with `git archive` into .cache/bench-baseline/<commit>, sharing this checkout's node_modules
// through a symlink (the engine core has no dependencies; the simulator's few are the same packages). No network.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export function pinnedBaselineRef(): string {
  const file = join(REPO_ROOT, 'bench', 'baseline.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { ref: string }).ref;
}

export type Baseline = { ok: true; root: string; commit: string } | { ok: false; reason: string };

/** Checks out `ref` (once) into the cache and returns its folder, or why it cannot. */
export function materialiseBaseline(ref: string): Baseline {
  const git = (args: string[]): string =>
    execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  } catch (e) {
    const msg = (e as { stderr?: string }).stderr?.trim() || (e as Error).message;
    return { ok: false, reason: `cannot resolve baseline ref "${ref}" with git: ${msg.split('\n')[0]}` };
  }
  const cache = join(REPO_ROOT, '.cache', 'bench-baseline');
  const root = join(cache, commit);
  if (!existsSync(join(root, '.complete'))) {
    const tmp = `${root}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    try {
      execFileSync('sh', ['-c', `git archive --format=tar "${commit}" | tar -x -C "${tmp}"`], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      return { ok: false, reason: `git archive of ${commit} failed: ${(e as Error).message.split('\n')[0]}` };
    }
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(tmp, 'node_modules'), 'dir');
    execFileSync('touch', [join(tmp, '.complete')]);
    rmSync(root, { recursive: true, force: true });
    renameSync(tmp, root);
  }
  return { ok: true, root, commit };
}
