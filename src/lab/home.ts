import os from 'node:os'
import path from 'node:path'
import {InvalidLabNameError} from './errors.js'

export const KUBELAB_HOME_ENV = 'KUBELAB_HOME'
/** The lab commands act on when none is named. */
export const KUBELAB_LAB_ENV = 'KUBELAB_LAB'

export type Environment = Readonly<Record<string, string | undefined>>

/** $KUBELAB_HOME, else ${XDG_STATE_HOME:-~/.local/state}/kubelab: labs are state, not configuration. */
export function kubelabHome(env: Environment = process.env): string {
  const explicit = env[KUBELAB_HOME_ENV]
  if (explicit) return path.resolve(explicit)
  const stateHome = env['XDG_STATE_HOME'] || path.join(env['HOME'] || os.homedir(), '.local', 'state')
  return path.join(stateHome, 'kubelab')
}

export function labsDir(home: string): string {
  return path.join(home, 'labs')
}

export function labDirFor(home: string, name: string): string {
  return path.join(labsDir(home), name)
}

/** The node is "<name>-control-plane", a DNS-1123 label of at most 63 characters. */
export const MAX_LAB_NAME_LENGTH = 63 - '-control-plane'.length

export function checkLabName(name: string): void {
  if (name.length === 0) throw new InvalidLabNameError(name, 'it is empty')
  if (name.length > MAX_LAB_NAME_LENGTH) throw new InvalidLabNameError(name, `it is longer than ${MAX_LAB_NAME_LENGTH} characters`)
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    throw new InvalidLabNameError(name, 'it must be lower-case letters, digits and "-", starting and ending with a letter or digit')
  }
}
