import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../clock/index.js';
import { DailyLogFile } from './daily-log-file.js';
import { createLogger } from './logger.js';

describe('daily log files', () => {
  it('writes one file per UTC day and switches at midnight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daily-log-'));
    const clock = new SimulatedClock(Date.UTC(2026, 10, 25, 23, 59, 59, 999));
    const file = new DailyLogFile({ dir, service: 'switch', clock });
    file.write('a\n');
    clock.advance(1);
    file.write('b\n');
    await file.close();
    expect(readFileSync(join(dir, 'switch-2026-11-25.log'), 'utf8')).toBe('a\n');
    expect(readFileSync(join(dir, 'switch-2026-11-26.log'), 'utf8')).toBe('b\n');
  });

  it('a logger with a folder writes its JSON lines there, debug lines (SIP traces) included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daily-log-'));
    const clock = new SimulatedClock(Date.UTC(2026, 10, 25, 12));
    const log = createLogger({ service: 'workers', level: 'debug', dir, clock, destination: { write: () => undefined } });
    log.debug({ job: 'x' }, 'retention run');
    await new Promise((r) => setTimeout(r, 50));
    const path = join(dir, 'workers-2026-11-25.log');
    expect(existsSync(path)).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8').trim())).toMatchObject({ service: 'workers', job: 'x', msg: 'retention run' });
  });
});
