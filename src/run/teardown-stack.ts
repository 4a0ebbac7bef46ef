/**
 * Teardown pushed before setup (Playwright's rule): whatever fails or is interrupted,
 * everything pushed is undone, newest first, each step isolated from the others' errors.
 */
export class TeardownStack {
  private readonly steps: Array<{ name: string; fn: (fast: boolean) => Promise<void> }> = [];

  push(name: string, fn: (fast: boolean) => Promise<void>): void {
    this.steps.push({ name, fn });
  }

  /** Run every step newest-first; returns the errors (never throws). */
  async unwind(fast: () => boolean, log: (line: string) => void): Promise<Error[]> {
    const errors: Error[] = [];
    while (this.steps.length > 0) {
      const s = this.steps.pop()!;
      try {
        await s.fn(fast());
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        log(`teardown: ${s.name} failed: ${err.message}`);
        errors.push(err);
      }
    }
    return errors;
  }
}
