/** Turns Ctrl-C (SIGINT) and SIGTERM into an aborted signal, so work in progress can undo itself. */
export interface Interrupt {
  signal: AbortSignal
  /** Which signal arrived, if one did. */
  received(): NodeJS.Signals | undefined
  /** Restores the default behaviour (the next Ctrl-C ends the process). */
  dispose(): void
}

export function onInterrupt(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): Interrupt {
  const controller = new AbortController()
  let received: NodeJS.Signals | undefined
  const handler = (signal: NodeJS.Signals): void => {
    if (received !== undefined) return
    received = signal
    controller.abort(new Error(`interrupted by ${signal}`))
  }
  for (const signal of signals) process.on(signal, handler)
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      for (const signal of signals) process.off(signal, handler)
    },
  }
}
