// Checks an output folder before a command runs, so that a long run never loses its results at the end: the path
// must be (or be creatable as) a writable folder on an ordinary file system, not an existing file, not inside /proc,
// /sys or /dev. Used by `simulate`, `liquidity` and `sweep` for their --out flag.
import { accessSync, constants, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/** A folder a command cannot write its results to; the message names the flag, the path and the reason. */
export class OutDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutDirError';
  }
}

/** Kernel file systems: writing results there is never what the user meant (and mostly fails half-way). */
const SPECIAL_ROOTS = ['/proc', '/sys', '/dev'];

function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root + sep);
}

/**
 * Throws OutDirError unless `dir` is a folder the command can write into: an existing writable directory, or a path
 * whose nearest existing ancestor is a writable directory (the command creates the rest). Nothing is left behind.
 */
export function checkOutDir(dir: string, flag = '--out'): void {
  const fail = (why: string): never => {
    throw new OutDirError(`${flag} ${dir === '' ? '""' : dir}: ${why}`);
  };
  if (dir.trim() === '') fail('must name a folder');
  if (dir.includes('\0')) fail('contains a NUL character');
  const abs = resolve(dir);
  // the nearest existing ancestor (the folder itself when it exists)
  let existing = abs;
  for (;;) {
    try {
      statSync(existing);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') fail(`${existing} is inside a file, not a folder`);
      if (code !== 'ENOENT') fail(`cannot be checked (${code ?? String(e)})`);
      const parent = dirname(existing);
      if (parent === existing) fail('no part of the path exists');
      existing = parent;
    }
  }
  let real: string;
  try {
    real = realpathSync(existing);
  } catch (e) {
    return fail(`cannot be resolved (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  for (const root of SPECIAL_ROOTS)
    if (isUnder(real, root)) fail(`is inside ${root}, a kernel file system: choose an ordinary folder`);
  const st = statSync(real);
  if (!st.isDirectory())
    fail(existing === abs ? 'is an existing file, not a folder' : `${existing} is a file, not a folder`);
  try {
    accessSync(real, constants.W_OK | constants.X_OK);
  } catch {
    fail(existing === abs ? 'is not writable' : `cannot be created: ${existing} is not writable`);
  }
  // a real write: read-only mounts pass access() for root
  try {
    const probe = mkdtempSync(join(real, '.perpsim-write-check-'));
    rmSync(probe, { recursive: true, force: true });
  } catch (e) {
    fail(`is not writable (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}
