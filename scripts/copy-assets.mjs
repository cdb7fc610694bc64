// Copies the non-TypeScript files the compiled services read at run time (Lua scripts) into dist/,
// beside the compiled code that loads them with `new URL('./lua', import.meta.url)`.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOTS = ['lib', 'sip-server', 'switch', 'media', 'billing-rater', 'control-api', 'workers'];
const ASSET = /\.(lua)$/;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (ASSET.test(name)) cpSync(path, join('dist', path));
  }
}
for (const root of ROOTS) walk(root);
