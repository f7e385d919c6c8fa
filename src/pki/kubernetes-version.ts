import {InvalidKubernetesVersionError} from './errors.js'

export interface KubernetesVersion {
  major: number
  minor: number
  patch: number
}

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.+-]*)?$/

/** Accepts "v1.29.2", "1.29.2", "1.29" and pre-releases such as "v1.29.0-rc.1". */
export function parseKubernetesVersion(version: string): KubernetesVersion {
  const match = VERSION.exec(version.trim())
  if (!match) throw new InvalidKubernetesVersionError(version)
  return {major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0)}
}

export function isAtLeast(version: KubernetesVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor)
}
