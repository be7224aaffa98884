// Entry of a queued sweep run's sandbox (a worker thread BullMQ starts for `perpsim worker`): registers tsx's
// TypeScript loader in this thread with the package's tsconfig, then hands BullMQ the processor proper.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
const { default: processor } = await import('./sweep-job.ts');
export default processor;
