const DAY_MS = 86_400_000;
function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Epoch milliseconds as COPY timestamptz text (`2026-01-15 12:00:00.000+00`). The date part is
 * formatted once per day seen (`Date#toISOString` per value was most of the line's cost); the time
 * of day is integer arithmetic.
 */
export class TimestampText {
  #day = Number.NaN;
  #dayText = '';

  format(ms: number | null): string {
    if (ms === null) return '\\N';
    const day = Math.floor(ms / DAY_MS);
    if (day !== this.#day) {
      this.#day = day;
      this.#dayText = new Date(day * DAY_MS).toISOString().slice(0, 10);
    }
    const inDay = ms - day * DAY_MS;
    const s = Math.floor(inDay / 1000);
    const milli = inDay - s * 1000;
    return `${this.#dayText} ${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}+00`;
  }
}
