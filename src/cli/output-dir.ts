// Output folders are checked before a command starts its work, so that a long run never loses its results at the
// end: the folder is created if missing and a probe file is written and removed. A path that is a file, a folder
// that cannot be written, or one that cannot be created (inside /proc, under a file) fails at once with the flag and
// the path named.
import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function reason(e: unknown, what: 'folder' | 'file'): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return 'a file is in the way (the path or one of its parents is not a folder)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOENT':
      return `a ${what} cannot be created there`;
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return code ?? (e as Error).message;
  }
}

/**
 * Creates a folder and its missing parents one level at a time (Node's recursive mkdir never returns for a path
 * inside /proc, so it is not used here).
 */
function makeDirs(abs: string): void {
  const missing: string[] = [];
  let p = abs;
  for (;;) {
    try {
      statSync(p);
      break;
    } catch {
      missing.push(p);
      const up = dirname(p);
      if (up === p) break;
      p = up;
    }
  }
  for (const d of missing.reverse()) mkdirSync(d);
}

/** Makes sure `dir` is (or can be made) a writable folder; throws an Error naming `flag` and the path if not. */
export function checkOutDir(dir: string, flag = '--out'): void {
  if (dir.trim() === '') throw new Error(`${flag}: the output folder is empty`);
  let isFile = false;
  try {
    isFile = !statSync(dir).isDirectory();
  } catch {
    // missing: created below
  }
  if (isFile) throw new Error(`${flag} ${dir}: exists and is not a folder`);
  try {
    makeDirs(resolve(dir));
  } catch (e) {
    throw new Error(`${flag} ${dir}: cannot create the output folder: ${reason(e, 'folder')}`);
  }
  const probe = join(dir, `.perpsim-write-check-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (e) {
    throw new Error(`${flag} ${dir}: cannot write in the output folder: ${reason(e, 'file')}`);
  }
}
