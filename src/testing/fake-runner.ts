import type { CommandOptions, CommandResult, CommandRunner } from '../targets/command-runner.ts';

/** One recorded call of a FakeRunner. */
export interface RecordedCall {
  file: string;
  args: string[];
  env: Record<string, string> | undefined;
}

export type FakeReply = Partial<CommandResult> | undefined;

/**
 * A CommandRunner for tests: records every call and answers from `reply`
 * (undefined = exit 0 with empty output).
 */
export class FakeRunner implements CommandRunner {
  readonly calls: RecordedCall[] = [];
  constructor(private readonly reply: (file: string, args: string[]) => FakeReply = () => undefined) {}

  async run(file: string, args: readonly string[], opts: CommandOptions = {}): Promise<CommandResult> {
    this.calls.push({ file, args: [...args], env: opts.env });
    const r = this.reply(file, [...args]);
    return { code: r?.code ?? 0, stdout: r?.stdout ?? '', stderr: r?.stderr ?? '' };
  }

  /** calls as `file arg arg …` lines, for compact assertions */
  lines(): string[] {
    return this.calls.map((c) => [c.file, ...c.args].join(' '));
  }

  /** the calls whose program + arguments start with `prefix` */
  find(...prefix: string[]): RecordedCall[] {
    return this.calls.filter((c) => prefix.every((p, i) => [c.file, ...c.args][i] === p));
  }
}
