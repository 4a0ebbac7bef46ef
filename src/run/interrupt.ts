/** Ctrl-C / SIGTERM as the run sees it: first = graceful stop, second = faster teardown. */
export class Interrupt {
  private readonly ctrl = new AbortController();
  fast = false;
  reason: string | null = null;

  get signal(): AbortSignal {
    return this.ctrl.signal;
  }

  get interrupted(): boolean {
    return this.ctrl.signal.aborted;
  }

  trigger(reason: string): void {
    if (this.ctrl.signal.aborted) {
      this.fast = true;
      return;
    }
    this.reason = reason;
    this.ctrl.abort(new Error(reason));
  }
}
