/**
 * Test kit: one ordered journal of what the fakes were asked to do (`deploy`, `crash host`,
 * `sampler.stop`, `teardown (fast)`, …), shared by a FakeTarget and a FakeDriver, so a test
 * asserts the order across them — and a hook per step, to press Ctrl-C (or fail) exactly there.
 */
export class StepLog {
  readonly steps: string[] = [];
  private readonly hooks = new Map<string, Array<() => void | Promise<void>>>();

  /** Run `fn` when `step` is recorded (each time); it may block or throw into the caller. */
  when(step: string, fn: () => void | Promise<void>): this {
    this.hooks.set(step, [...(this.hooks.get(step) ?? []), fn]);
    return this;
  }

  /** Record `step`, then run its hooks in order. */
  async step(step: string): Promise<void> {
    this.steps.push(step);
    for (const fn of this.hooks.get(step) ?? []) await fn();
  }

  /** the steps without per-second ones (`second N`), for order assertions */
  milestones(): string[] {
    return this.steps.filter((s) => !/^second \d+$/.test(s));
  }
}
