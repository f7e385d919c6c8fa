/**
 * `kubelab playbook run` exit statuses. A failed script outranks failed checks: what the checks
 * found is then the state a broken run left, still reported, but the first thing to fix is the script.
 */
export const PlaybookExit = {
  /** The script succeeded and every check of every step passes. */
  passed: 0,
  /** The script succeeded, but a check of a step (or, with --all-checks, any check) does not pass. */
  checksFailed: 1,
  /** A usage error: bad flag, unknown scenario, missing script, Ansible missing, lab name taken. */
  usage: 2,
  /** The script exited non-zero, was killed, could not start, or ran past --timeout. */
  scriptFailed: 3,
  /** The lab could not be created, or could not be removed afterwards. */
  labFailed: 4,
} as const

export type PlaybookExitCode = (typeof PlaybookExit)[keyof typeof PlaybookExit]
