export type { Clock, TimerHandle } from './clock.js';
export { SystemClock } from './system-clock.js';
export { SimulatedClock } from './simulated-clock.js';
export { RepeatingPass, type RepeatingPassOptions } from './repeating-pass.js';
