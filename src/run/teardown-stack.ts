/**
 * Teardown pushed before setup (Playwright's rule): whatever fails or is interrupted,
 * everything pushed is undone, newest first, each step isolated from the others' errors.
 */
export class TeardownStack {
  private readonly steps: Array<{ name: string; fn: (fast: boolean) => Promise<void> }> = [];

  /** Add an undo step; `fast` is true once a second Ctrl-C asked for a faster teardown. */
  push(name: string, fn: (fast: boolean) => Promise<void>): void {
    this.steps.push({ name, fn });
  }

  /**
   * Run every step newest-first; `fast()` is asked before each step. Never throws: a failed
   * step is reported to `onError` and the next one runs. Returns the errors.
   */
  async unwind(fast: () => boolean, onError: (step: string, err: Error) => void): Promise<Error[]> {
    const errors: Error[] = [];
    while (this.steps.length > 0) {
      const s = this.steps.pop()!;
      try {
        await s.fn(fast());
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        onError(s.name, err);
        errors.push(err);
      }
    }
    return errors;
  }
}
