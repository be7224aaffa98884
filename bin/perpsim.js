#!/usr/bin/env node
// `perpsim` executable: runs the TypeScript CLI (src/cli/main.ts) from the package's own tree. Node 20 cannot load
// TypeScript by itself, so tsx's ESM loader is registered first (tsx/esm/api register(), module.register underneath;
// Node >= 20.6) with the package's own tsconfig, then the entry module is imported.
import { register } from 'tsx/esm/api';
import { fileURLToPath, URL } from 'node:url';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
