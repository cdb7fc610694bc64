import { AppError } from '../errors/index.js';

/** A configuration value is missing or malformed. The message names the key and the value. */
export class ConfigError extends AppError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) =>
      p.value === undefined ? `  ${p.key}: ${p.message} (not set)` : `  ${p.key}=${JSON.stringify(p.value)}: ${p.message}`,
    );
    super('CONFIG_INVALID', `invalid configuration:\n${lines.join('\n')}`);
    this.problems = problems;
  }
}

export type ConfigProblem = { key: string; value: unknown; message: string };
