import {LessonError, UnknownLessonError} from '../lesson/errors.js'
import {TargetOptionError} from '../target/from-options.js'
import {userFacingError, type ErrorOutput} from './user-errors.js'

/**
 * For `verify`, `hint`, `progress` and `learn`: the lab's own errors, plus a lesson that cannot be
 * read and a lab whose files no longer make a target (both exit 1: the request was fine, the lab or
 * the lessons are not). Anything else is a bug and keeps its stack.
 */
export function exitOnLearnerError(error: unknown, output: ErrorOutput): void {
  const known =
    userFacingError(error) ??
    (error instanceof LessonError || error instanceof UnknownLessonError || error instanceof TargetOptionError ? {message: error.message, exitCode: 1} : undefined)
  if (!known) return
  output.logToStderr(`Error: ${known.message}`)
  output.exit(known.exitCode)
}
