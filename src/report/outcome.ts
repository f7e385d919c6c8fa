import type {AuditReport} from '../checks/evaluate.js'
import type {Status} from '../checks/model.js'

/** Which status makes an audit unsuccessful: only failures, or warnings as well. */
export type FailOn = 'fail' | 'warn'
export const FAIL_ON_CHOICES: readonly FailOn[] = ['fail', 'warn']

/** Process exit codes shared by the commands. */
export const ExitCode = {
  ok: 0,
  checksFailed: 1,
  /** A bad flag, an unknown check id, or a target that cannot be built. */
  usage: 2,
} as const

export function countsAsFailure(status: Status, failOn: FailOn): boolean {
  return status === 'fail' || (failOn === 'warn' && status === 'warn')
}

/** Errors (a check that could not be evaluated) do not fail the audit; they are reported as such. */
export function auditExitCode(report: AuditReport, failOn: FailOn): number {
  return report.results.some((result) => countsAsFailure(result.status, failOn)) ? ExitCode.checksFailed : ExitCode.ok
}
