/**
 * The wait before restarting a crashed container. The real kubelet's CrashLoopBackOff starts at
 * 10 s and doubles up to 5 minutes; a lab wants the loop visible but quick, so this one starts at
 * 250 ms and doubles up to 5 s. Like the kubelet, a container that ran for a while (10 s here; the
 * kubelet uses twice the maximum back-off) starts again from the initial wait.
 */
export const INITIAL_BACKOFF_MS = 250
export const MAX_BACKOFF_MS = 5000
export const BACKOFF_RESET_AFTER_MS = 10_000

export class CrashBackoff {
  private nextMs = INITIAL_BACKOFF_MS

  constructor(
    private readonly initialMs = INITIAL_BACKOFF_MS,
    private readonly maxMs = MAX_BACKOFF_MS,
    private readonly resetAfterMs = BACKOFF_RESET_AFTER_MS,
  ) {
    this.nextMs = initialMs
  }

  /** The wait before the next start, given how long the process that just exited ran. */
  next(ranForMs: number): number {
    if (ranForMs >= this.resetAfterMs) this.nextMs = this.initialMs
    const wait = this.nextMs
    this.nextMs = Math.min(this.nextMs * 2, this.maxMs)
    return wait
  }

  reset(): void {
    this.nextMs = this.initialMs
  }
}
