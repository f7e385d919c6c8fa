/** The Kubernetes version the simulated apiserver pretends to be, from KUBELAB_K8S_VERSION (the manifest image tag). */

export const KUBERNETES_VERSION_ENV = 'KUBELAB_K8S_VERSION'
export const DEFAULT_KUBERNETES_VERSION = '1.32.0'

export interface KubeVersion {
  major: number
  minor: number
  patch: number
  /** e.g. "v1.19.16" */
  gitVersion: string
}

export class VersionError extends Error {
  override readonly name = 'VersionError'
}

export function parseKubeVersion(text: string): KubeVersion {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(text.trim())
  if (!match) {
    throw new VersionError(`${KUBERNETES_VERSION_ENV}=${JSON.stringify(text)} is not a Kubernetes version such as 1.19.16 or v1.30.2`)
  }
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3] ?? '0')]
  return {major, minor, patch, gitVersion: `v${major}.${minor}.${patch}`}
}

export function versionFromEnv(env: NodeJS.ProcessEnv): KubeVersion {
  const value = env[KUBERNETES_VERSION_ENV]
  return parseKubeVersion(value === undefined || value === '' ? DEFAULT_KUBERNETES_VERSION : value)
}

/** True when `version` is at least major.minor. */
export function atLeast(version: KubeVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor)
}
