/**
 * How the simulated kube-apiserver fails at start-up. Each error carries the text the real binary prints and the
 * exit code it uses, so a supervisor (and a learner reading the log) sees the same thing as on a real node.
 */

/** A command-line parse error (unknown flag, bad value). Cobra prints the usage, then `Error: <message>`, exit 1. */
export class FlagParseError extends Error {
  override readonly name = 'FlagParseError'
  readonly exitCode = 1
  constructor(
    message: string,
    /** The flag at fault, without dashes, when there is one. */
    readonly flag?: string,
  ) {
    super(message)
  }
}

/**
 * Options that parsed but do not validate or cannot be loaded (a missing certificate file, an unknown
 * authorization mode). The real binary returns these from its RunE, and exits 1.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError'
  readonly exitCode = 1
  constructor(
    message: string,
    /** The flag whose value is wrong, without dashes. */
    readonly flag?: string,
    /** The file that could not be read, when the problem is a file. */
    readonly file?: string,
  ) {
    super(message)
  }
}

/** Several validation errors, printed the way Go's utilerrors.NewAggregate does: `[a, b]`, or just `a` for one. */
export class AggregateStartupError extends StartupError {
  constructor(readonly errors: StartupError[]) {
    super(errors.length === 1 ? (errors[0]?.message ?? '') : `[${errors.map((error) => error.message).join(', ')}]`)
  }
}

/** klog.Fatal: the real binary logs an `F` line and exits 255 (e.g. when etcd cannot be reached). */
export class FatalStartupError extends Error {
  override readonly name = 'FatalStartupError'
  readonly exitCode = 255
  constructor(
    message: string,
    /** The file:line klog prints, e.g. `instance.go:291`. */
    readonly source: string,
  ) {
    super(message)
  }
}
