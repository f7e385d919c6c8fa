import {LabError, LabUsageError} from '../errors.js'
import {PlaybookExit} from './exit-codes.js'

/** The script named on the command line cannot be used; nothing has been started. */
export class PlaybookScriptError extends LabUsageError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`)
    this.name = 'PlaybookScriptError'
  }
}

/** A playbook was given on a machine without Ansible. */
export class AnsibleMissingError extends LabUsageError {
  constructor(readonly file: string) {
    super(
      `${file} is an Ansible playbook (.yml/.yaml), but ansible-playbook is not on PATH. ` +
        'Install Ansible (`pipx install ansible-core`, or `apt-get install ansible-core` on Debian/Ubuntu), or give a shell script instead.',
    )
    this.name = 'AnsibleMissingError'
  }
}

/** The lab could not be created, or not removed afterwards; the message says what to do. */
export class PlaybookLabError extends LabError {
  override readonly exitCode: number = PlaybookExit.labFailed
  constructor(message: string, override readonly cause?: unknown) {
    super(message)
    this.name = 'PlaybookLabError'
  }
}

/** Ctrl-C (or SIGTERM) arrived; the script's process group was killed and the lab removed (unless --keep). */
export class PlaybookInterruptedError extends LabError {
  override readonly exitCode: number
  constructor(
    readonly signal: NodeJS.Signals,
    cleanup: string,
  ) {
    super(`interrupted (${signal}): ${cleanup}`)
    this.name = 'PlaybookInterruptedError'
    this.exitCode = signal === 'SIGTERM' ? 143 : 130
  }
}

/** --name names a lab that exists: a playbook always starts from a fresh lab, so it is refused. */
export class PlaybookLabExistsError extends LabUsageError {
  constructor(readonly labName: string) {
    super(`a lab named "${labName}" exists already, and a playbook runs only on a fresh lab. Leave out --name for a new unique name, or remove it with \`kubelab down ${labName}\`.`)
    this.name = 'PlaybookLabExistsError'
  }
}
