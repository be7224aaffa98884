// Entry of a sweep worker thread: registers tsx's TypeScript loader in this thread (a worker does not inherit the
// main thread's loader registration) with the package's tsconfig, then loads the worker proper.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
await import('./sweep-worker.ts');
