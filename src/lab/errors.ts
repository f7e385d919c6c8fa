/**
 * Errors a learner can act on. Each says what went wrong and what to do; `exitCode` is what the
 * command exits with (2: the request itself was wrong, 1: the lab could not do it).
 */
export class LabError extends Error {
  readonly exitCode: number = 1
}

export class LabUsageError extends LabError {
  override readonly exitCode: number = 2
}

export class InvalidLabNameError extends LabUsageError {
  constructor(
    readonly labName: string,
    reason: string,
  ) {
    super(`lab name "${labName}": ${reason}. Use lower-case letters, digits and "-" (at most 49 characters), e.g. --name my-lab.`)
    this.name = 'InvalidLabNameError'
  }
}

export class LabExistsError extends LabError {
  constructor(readonly labName: string) {
    super(`a lab named "${labName}" exists already. Remove it with \`kubelab down ${labName}\`, or start another with --name.`)
    this.name = 'LabExistsError'
  }
}

export class UnknownLabError extends LabUsageError {
  constructor(
    readonly labName: string,
    readonly known: readonly string[],
  ) {
    super(`no lab named "${labName}"; ${known.length === 0 ? 'there are no labs: start one with `kubelab up`' : `labs: ${known.join(', ')}`}.`)
    this.name = 'UnknownLabError'
  }
}

export class NoLabError extends LabUsageError {
  constructor() {
    super('there is no lab: start one with `kubelab up [SCENARIO]`.')
    this.name = 'NoLabError'
  }
}

export class AmbiguousLabError extends LabUsageError {
  constructor(readonly known: readonly string[]) {
    super(`${known.length} labs exist (${known.join(', ')}): name the lab, or set KUBELAB_LAB.`)
    this.name = 'AmbiguousLabError'
  }
}

/** The lab folder has no readable lab.json. */
export class LabRecordError extends LabError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}. Remove the lab with \`kubelab down\` and start it again.`)
    this.name = 'LabRecordError'
  }
}

export class RuntimeUnavailableError extends LabUsageError {
  constructor(message: string) {
    super(message)
    this.name = 'RuntimeUnavailableError'
  }
}

export class ScenarioRuntimeError extends LabUsageError {
  constructor(
    readonly scenarioId: string,
    readonly runtime: string,
    readonly supported: readonly string[],
  ) {
    super(`scenario ${scenarioId} does not run on the ${runtime} runtime (it lists: ${supported.join(', ')}). Pass --runtime ${supported[0] ?? 'sim'}.`)
    this.name = 'ScenarioRuntimeError'
  }
}

/** Ctrl-C (or SIGTERM) arrived while a lab was starting; what had started was stopped and removed. */
export class LabInterruptedError extends LabError {
  override readonly exitCode: number
  constructor(
    readonly labName: string,
    readonly signal: NodeJS.Signals,
  ) {
    super(`interrupted (${signal}): stopped what lab ${labName} had started and removed its folder.`)
    this.name = 'LabInterruptedError'
    this.exitCode = signal === 'SIGTERM' ? 143 : 130
  }
}

/** `up` failed; the lab was cleaned up. The cause is kept and named. */
export class LabUpError extends LabError {
  constructor(
    readonly labName: string,
    override readonly cause: unknown,
    cleanup: string,
  ) {
    super(`lab ${labName} did not start: ${cause instanceof Error ? cause.message : String(cause)}\n${cleanup}`)
    this.name = 'LabUpError'
  }
}

export class UnknownComponentError extends LabUsageError {
  constructor(
    readonly component: string,
    readonly known: readonly string[],
  ) {
    super(`unknown component "${component}"; one of: ${known.join(', ')}.`)
    this.name = 'UnknownComponentError'
  }
}

/** An edit that does not parse as what the component reads; the user's text is kept. */
export class EditRefusedError extends LabError {
  constructor(
    readonly nodePath: string,
    readonly line: number | undefined,
    readonly reason: string,
    readonly keptAt: string,
  ) {
    super(
      `${nodePath}${line === undefined ? '' : `:${line}`}: ${reason}\n` +
        `Not written. Your edit is kept in ${keptAt}${line === undefined ? '' : ` (line ${line})`}; ` +
        `fix it and run \`kubelab edit\` again, or write it as it is with --force.`,
    )
    this.name = 'EditRefusedError'
  }
}

export class EditorFailedError extends LabError {
  constructor(
    readonly editor: string,
    reason: string,
  ) {
    super(`the editor (${editor}) ${reason}; nothing was written. Set $VISUAL or $EDITOR to the editor you use.`)
    this.name = 'EditorFailedError'
  }
}

/** `down` stopped the lab, but something still holds one of its ports. */
export class PortsStillBusyError extends LabError {
  constructor(
    readonly labName: string,
    readonly ports: readonly number[],
  ) {
    super(`lab ${labName} is stopped, but port(s) ${ports.join(', ')} on 127.0.0.1 are still in use by another process.`)
    this.name = 'PortsStillBusyError'
  }
}

export class BinDirMissingError extends LabUsageError {
  constructor(readonly folder: string) {
    super(`--bin-dir ${folder}: no such folder.`)
    this.name = 'BinDirMissingError'
  }
}

/** `up --expose` on the sim runtime: its vulnerable services listen on 127.0.0.1 only, always. */
export class ExposeNeedsKindError extends LabUsageError {
  constructor() {
    super('--expose applies to kind labs only: a sim lab listens on 127.0.0.1 and nowhere else. Use --runtime kind, or leave --expose out.')
    this.name = 'ExposeNeedsKindError'
  }
}
