import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#lib/local-stack/index.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('LocalChild', () => {
  it('takes its child down when the process that started it is killed with SIGKILL', async () => {
    const root = projectRoot(import.meta.url);
    const parent = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(root, 'lib/local-stack/test/fixtures/spawn-sleeper.ts')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const childPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /pid=(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      parent.on('exit', () => reject(new Error(`fixture exited: ${out}`)));
    });
    expect(alive(childPid)).toBe(true);
    parent.kill('SIGKILL');
    let gone = false;
    for (let i = 0; i < 50 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 100));
      gone = !alive(childPid);
    }
    expect(gone).toBe(true);
  });
});
