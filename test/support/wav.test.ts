import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWav, toneShare, writeToneWav } from './wav.js';

describe('wav helpers', () => {
  it('finds the tone it wrote and not another one', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wav-')), 't.wav');
    writeToneWav(file, 1_000, 1);
    const { rate, samples } = readWav(file);
    expect(rate).toBe(8_000);
    expect(samples.length).toBe(8_000);
    expect(toneShare(samples, rate, 1_000)).toBeGreaterThan(0.9);
    expect(toneShare(samples, rate, 440)).toBeLessThan(0.01);
    expect(toneShare(new Float64Array(800), rate, 1_000)).toBe(0);
  });
});
