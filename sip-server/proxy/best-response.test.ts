import { describe, expect, it } from 'vitest';
import { selectBestResponse, upstreamStatus } from './best-response.js';
import { parseProxyTimeout } from './proxy-plan.js';

const best = (statuses: number[]): number | undefined => {
  const i = selectBestResponse(statuses);
  return i === undefined ? undefined : statuses[i];
};

describe('selectBestResponse (RFC 3261 §16.7 step 6)', () => {
  it('has no candidate without final responses (the proxy answers 408)', () => {
    expect(selectBestResponse([])).toBeUndefined();
  });

  it('prefers a 6xx over everything', () => {
    expect(best([486, 603, 302])).toBe(603);
    expect(best([500, 404, 600])).toBe(600);
  });

  it('otherwise takes the lowest class', () => {
    expect(best([503, 486])).toBe(486);
    expect(best([486, 302, 500])).toBe(302);
    expect(best([500, 503])).toBe(500);
  });

  it('prefers 401/407/415/420/484 within 4xx', () => {
    expect(best([404, 407])).toBe(407);
    expect(best([486, 401, 404])).toBe(401);
    expect(best([480, 484])).toBe(484);
    expect(best([415, 420])).toBe(415);
  });

  it('keeps the first received among equals', () => {
    expect(selectBestResponse([486, 404, 480])).toBe(0);
    expect(selectBestResponse([500, 407, 401])).toBe(1);
  });

  it('turns a selected 503 into 500 upstream', () => {
    expect(upstreamStatus(503)).toBe(500);
    expect(upstreamStatus(486)).toBe(486);
  });
});

describe('parseProxyTimeout (protocol §6.1)', () => {
  it('reads seconds and milliseconds, empty is none', () => {
    expect(parseProxyTimeout('2s')).toEqual({ ok: true, ms: 2000 });
    expect(parseProxyTimeout('1500ms')).toEqual({ ok: true, ms: 1500 });
    expect(parseProxyTimeout('')).toEqual({ ok: true, ms: undefined });
  });

  it('refuses other syntax', () => {
    expect(parseProxyTimeout('2').ok).toBe(false);
    expect(parseProxyTimeout('1.5s').ok).toBe(false);
    expect(parseProxyTimeout('-1s').ok).toBe(false);
  });
});
