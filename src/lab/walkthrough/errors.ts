import {LabError} from '../errors.js'

export const RESUME_MESSAGE = 'Progress saved — run `kubelab learn` to continue.'

/** Ctrl-C (or SIGTERM) during `learn`. Progress is written after every action, so nothing is lost. */
export class WalkthroughInterruptedError extends LabError {
  override readonly exitCode: number
  constructor(readonly signal: NodeJS.Signals = 'SIGINT') {
    super(RESUME_MESSAGE)
    this.name = 'WalkthroughInterruptedError'
    this.exitCode = signal === 'SIGTERM' ? 143 : 130
  }
}

/** A lab for the scenario exists but is not ready to learn on. */
export class LabNotReadyError extends LabError {
  constructor(
    readonly labName: string,
    readonly state: string,
  ) {
    super(
      `lab ${labName} is ${state === 'creating' ? 'still being created' : 'left over from a failed start'} (state: ${state}). ` +
        `${state === 'creating' ? 'Wait for `kubelab up` to finish, or remove' : 'Remove'} it with \`kubelab down ${labName}\` and run \`kubelab learn\` again.`,
    )
    this.name = 'LabNotReadyError'
  }
}

/** The scenario's lesson has no section for one of its steps (the lesson parser normally prevents this). */
export class LessonStepMissingError extends LabError {
  constructor(
    readonly lessonId: string,
    readonly stepId: string,
  ) {
    super(`lesson ${lessonId} has no section for step ${stepId}; add a \`\`\`step ${stepId} section to lessons/${lessonId}.md.`)
    this.name = 'LessonStepMissingError'
  }
}
