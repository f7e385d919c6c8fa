import {ScenarioError, UnknownScenarioError} from '../scenario/errors.js'
import {KindError} from '../runtimes/kind/errors.js'
import {EtcdNotFoundError, EtcdVersionError} from '../runtimes/sim/etcd-install.js'
import {LabProcessesLeftError} from '../runtimes/sim/lab.js'
import {SimNotBuiltError} from '../runtimes/sim/lab-kubelet.js'
import {RestartError} from '../runtimes/sim/lab-restart.js'
import {NodeFilesError} from '../runtimes/sim/node-files/types.js'
import {LabError} from './errors.js'

/**
 * The message and exit status for an error the user can act on, or undefined for a bug (which
 * keeps its stack). 2: the request was wrong (unknown scenario or lab, bad name); 1: it could not be done.
 */
export function userFacingError(error: unknown): {message: string; exitCode: number} | undefined {
  if (error instanceof LabError) return {message: error.message, exitCode: error.exitCode}
  if (error instanceof ScenarioError || error instanceof UnknownScenarioError || error instanceof NodeFilesError) return {message: error.message, exitCode: 2}
  if (
    error instanceof EtcdNotFoundError ||
    error instanceof EtcdVersionError ||
    error instanceof SimNotBuiltError ||
    error instanceof RestartError ||
    error instanceof LabProcessesLeftError ||
    error instanceof KindError
  ) {
    return {message: error.message, exitCode: 1}
  }
  return undefined
}

/** What a command needs to print an error and exit: oclif's Command has both. */
export interface ErrorOutput {
  logToStderr(message: string): void
  exit(code: number): never
}

/** For a command's catch: prints a user-facing error on one line and exits with its status; anything else is left to oclif. */
export function exitOnUserError(error: unknown, output: ErrorOutput): void {
  const known = userFacingError(error)
  if (!known) return
  output.logToStderr(`Error: ${known.message}`)
  output.exit(known.exitCode)
}
