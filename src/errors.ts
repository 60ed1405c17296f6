/**
 * The known error classes of dq. Each carries its exit code; the CLI turns
 * them into one line on stderr. Anything else is an internal error.
 */
export const EXIT = {
  OK: 0,
  GATE_FAILED: 1,
  USAGE: 2,
  INPUT: 3,
} as const;

export class DqError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Wrong flags, bad option values, invalid config: exit 2. */
export class UsageError extends DqError {
  constructor(message: string) {
    super(message, EXIT.USAGE);
  }
}

/** A config file problem, with file, line and column where known: exit 2. */
export class ConfigError extends DqError {
  constructor(message: string, readonly file?: string, readonly line?: number, readonly column?: number) {
    super(
      (file ? `${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ` : '') + message,
      EXIT.USAGE,
    );
  }
}

/**
 * The input cannot be read or its structure is lost: exit 3.
 * `where` is a position such as "line 12" or "row group 3, column price".
 */
export class InputError extends DqError {
  constructor(readonly file: string, message: string, readonly where?: string) {
    super(`${file === '-' ? 'stdin' : file}${where ? ` (${where})` : ''}: ${message}`, EXIT.INPUT);
  }
}

/** A Parquet (or other) feature dq does not read: exit 3 with `unsupported: FEATURE (file)`. */
export class UnsupportedError extends DqError {
  constructor(readonly feature: string, readonly file: string) {
    super(`unsupported: ${feature} (${file})`, EXIT.INPUT);
  }
}

/**
 * An error about a temporary copy of an input (stdin spooled to a file) told with the name the user knows
 * (`stdin`): the copy's path means nothing to them and is gone once dq exits.
 */
export function renameInputIn(e: unknown, temp: string, name: string): unknown {
  if (!(e instanceof DqError) || !e.message.includes(temp)) return e;
  const renamed = new DqError(e.message.split(temp).join(name), e.exitCode);
  renamed.name = e.name;
  return renamed;
}
