import type {CheckContext} from '../context.js'
import {apiserverConfig} from './component.js'
import {ConfigParseError} from '../../node-config/types.js'

/**
 * The cluster's Kubernetes version without a leading "v": the target's declared version, else the
 * kube-apiserver image tag from its manifest. Undefined when neither says (or the manifest is one
 * the kubelet would refuse; the checks that read it report that themselves).
 */
export async function clusterVersion(ctx: CheckContext): Promise<string | undefined> {
  const declared = ctx.target.kubernetesVersion
  if (declared) return declared.replace(/^v/, '')
  try {
    return (await apiserverConfig(ctx))?.imageVersion
  } catch (error) {
    if (error instanceof ConfigParseError) return undefined
    throw error
  }
}

/** True when `version` ("1.19.16", "v1.20.0-rc.1") is older than the minor release `minor` ("1.20"). */
export function versionBefore(version: string, minor: string): boolean {
  const [major, minorNumber] = majorMinor(version)
  const [boundMajor, boundMinor] = majorMinor(minor)
  return major < boundMajor || (major === boundMajor && minorNumber < boundMinor)
}

function majorMinor(version: string): [number, number] {
  const match = /^v?(\d+)\.(\d+)/.exec(version.trim())
  if (!match) throw new Error(`not a Kubernetes version: ${JSON.stringify(version)} (expected e.g. "1.20" or "v1.19.16")`)
  return [Number(match[1]), Number(match[2])]
}
