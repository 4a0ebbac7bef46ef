/**
 * Errors the harness raises. Library code throws a HarnessError; only the CLI prints it
 * (once) and maps `exitCode` to the process exit code.
 */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  badConfig: 3,
  missingEnvironment: 4,
  gatesFailed: 5,
  interrupted: 130,
} as const;
export type ExitCodeName = keyof typeof ExitCode;

export class HarnessError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(message: string, opts: { code: ExitCodeName; hint?: string; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HarnessError';
    this.exitCode = ExitCode[opts.code];
    this.hint = opts.hint;
  }
}

/** `<where>: <what> must be <expected> (got <actual>)` — the one message shape for bad input. */
export function mustBe(where: string, what: string, expected: string, actual: unknown): string {
  const shown = typeof actual === 'string' ? JSON.stringify(actual) : JSON.stringify(actual) ?? String(actual);
  return `${where}: ${what} must be ${expected} (got ${shown})`;
}

/** Unknown-name error that lists the valid names, as k6 and Playwright do. */
export function unknownName(where: string, kind: string, got: string, valid: readonly string[], hint?: string): HarnessError {
  return new HarnessError(`${where}: unknown ${kind} ${JSON.stringify(got)}; valid: ${valid.join(', ')}`, {
    code: 'usage',
    ...(hint === undefined ? {} : { hint }),
  });
}
