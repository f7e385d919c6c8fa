import {rm} from 'node:fs/promises'
import type {RuntimeName} from '../runtimes/types.js'
import {kubelabHome, labDirFor, type Environment} from './home.js'
import {portIsFree, portList} from './ports.js'
import {readLabRecord, type LabRecord} from './record.js'
import {listLabs, resolveLabName} from './registry.js'
import {runtimeFor, type RuntimeOptions} from './runtimes.js'

export interface DownOptions {
  home?: string
  env?: Environment
  /** Stop the processes but leave the lab folder (certificates, manifests, logs, etcd data). */
  keep?: boolean
  runtimeOptions?: RuntimeOptions
}

export interface DownOutcome {
  name: string
  dir: string
  /** The folder was left in place (--keep). */
  kept: boolean
  /** Recorded ports something still listens on after the lab stopped: not the lab's, but the user should know. */
  portsStillBusy: number[]
}

/** `kubelab down [NAME]`: stops every process of the lab, checks none is left and its ports are free, removes the folder. */
export async function downLab(requested: string | undefined, options: DownOptions = {}): Promise<DownOutcome> {
  const home = options.home ?? kubelabHome(options.env)
  const name = await resolveLabName(requested, home, options.env)
  return stopAndRemove(name, labDirFor(home, name), options)
}

/** `kubelab down --all`. */
export async function downAllLabs(options: DownOptions = {}): Promise<DownOutcome[]> {
  const home = options.home ?? kubelabHome(options.env)
  const outcomes: DownOutcome[] = []
  for (const lab of await listLabs(home)) outcomes.push(await stopAndRemove(lab.name, lab.dir, options))
  return outcomes
}

async function stopAndRemove(name: string, dir: string, options: DownOptions): Promise<DownOutcome> {
  // A lab whose lab.json is unreadable is still a sim node folder, and can still be stopped.
  const record: LabRecord | undefined = await readLabRecord(dir).catch(() => undefined)
  const runtimeName: RuntimeName = record?.runtime === 'kind' ? 'kind' : 'sim'
  await runtimeFor(runtimeName, options.runtimeOptions).stop(dir)
  const ports = record ? portList(record.ports) : []
  const busy = (await Promise.all(ports.map(async (port) => ((await portIsFree(port)) ? undefined : port)))).filter((port): port is number => port !== undefined)
  if (!options.keep) await rm(dir, {recursive: true, force: true})
  return {name, dir, kept: options.keep === true, portsStillBusy: busy}
}
