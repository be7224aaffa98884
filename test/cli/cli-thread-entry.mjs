// Entry of the CLI test thread (test/cli/in-process.ts): registers tsx's loader in this thread, then loads the
// thread proper.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
await import('./cli-thread.ts');
