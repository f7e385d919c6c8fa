import {access} from 'node:fs/promises'
import type {StubComponent} from './flag-tables.js'

/** A file a flag names that the real component would fail to open; `message` is the real one's error text. */
export class MissingFileError extends Error {
  override readonly name = 'MissingFileError'

  constructor(
    readonly flag: string,
    readonly file: string,
    message: string,
  ) {
    super(message)
  }
}

interface FileCheck {
  flag: string
  /** The error the real component reports when the file is missing, given how it prints the path. */
  error: (shownPath: string) => string
}

const missing = (shownPath: string): string => `${shownPath}: no such file or directory`

/**
 * Files checked in the order the real components open them (options.Config: serving certificate,
 * delegated authentication, delegated authorization, kubeconfig; then, for the controller manager,
 * the files its controllers read once it leads). The texts are the components' own:
 * "failed to get delegated authentication kubeconfig: failed to get delegated authentication
 * kubeconfig: stat /etc/kubernetes/scheduler.config: no such file or directory" is what a
 * kube-scheduler with a misspelt kubeconfig path logs before it exits 1.
 */
const COMMON_CHECKS: readonly FileCheck[] = [
  {flag: 'tls-cert-file', error: (file) => `open ${missing(file)}`},
  {flag: 'tls-private-key-file', error: (file) => `open ${missing(file)}`},
  {
    flag: 'authentication-kubeconfig',
    error: (file) => `failed to get delegated authentication kubeconfig: failed to get delegated authentication kubeconfig: stat ${missing(file)}`,
  },
  {flag: 'client-ca-file', error: (file) => `unable to load client CA provider: open ${missing(file)}`},
  {flag: 'requestheader-client-ca-file', error: (file) => `unable to load requestheader client CA provider: open ${missing(file)}`},
  {
    flag: 'authorization-kubeconfig',
    error: (file) => `failed to get delegated authorization kubeconfig: failed to get delegated authorization kubeconfig: stat ${missing(file)}`,
  },
  {flag: 'kubeconfig', error: (file) => `stat ${missing(file)}`},
]

const CONTROLLER_MANAGER_CHECKS: readonly FileCheck[] = [
  {flag: 'service-account-private-key-file', error: (file) => `error reading key for service account token controller: open ${missing(file)}`},
  {flag: 'root-ca-file', error: (file) => `error reading root-ca-file at ${file}: open ${missing(file)}`},
  {
    flag: 'cluster-signing-cert-file',
    error: (file) => `failed to start the "certificatesigningrequest-signing" controller: error reading CA cert file "${file}": open ${missing(file)}`,
  },
  {
    flag: 'cluster-signing-key-file',
    error: (file) => `failed to start the "certificatesigningrequest-signing" controller: error reading CA key file "${file}": open ${missing(file)}`,
  },
]

/**
 * Throws MissingFileError for the first file named by a kubeconfig or certificate flag that does not
 * exist. `show` turns the path the process was given into the one to print (the node path).
 */
export async function checkRequiredFiles(component: StubComponent, values: ReadonlyMap<string, string>, show: (file: string) => string): Promise<void> {
  const checks = component === 'kube-controller-manager' ? [...COMMON_CHECKS, ...CONTROLLER_MANAGER_CHECKS] : COMMON_CHECKS
  for (const check of checks) {
    const file = values.get(check.flag)
    if (file === undefined || file === '') continue
    try {
      await access(file)
    } catch {
      throw new MissingFileError(check.flag, file, check.error(show(file)))
    }
  }
}
