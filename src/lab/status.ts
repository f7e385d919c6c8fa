import {readSimEndpoints, type SimEndpoints} from '../runtimes/sim/lab-endpoints.js'
import {readSimNodeView, type SimNodeView} from '../runtimes/sim/lab-status.js'
import {isAlive} from '../runtimes/sim/kubelet/proc.js'
import {simNodeLayout} from '../runtimes/sim/node/layout.js'
import {listLabs, resolveLabName, type LabEntry} from './registry.js'
import {labDirFor, type Environment} from './home.js'
import {readLabRecord, type LabRecord} from './record.js'

/**
 * ready / creating / failed: as lab.json says; abandoned: lab.json says creating but the `kubelab up`
 * that was creating it is gone (killed); unreadable: lab.json is missing or broken.
 */
export type LabState = LabRecord['state'] | 'abandoned' | 'unreadable'

export interface LabStatusView {
  name: string
  dir: string
  state: LabState
  record?: LabRecord
  /** Why the record could not be read. */
  problem?: string
  nodeRoot: string
  node: SimNodeView
  endpoints?: SimEndpoints
}

export async function labStatus(entry: LabEntry): Promise<LabStatusView> {
  const layout = simNodeLayout(entry.dir)
  const node = readSimNodeView(layout)
  const base = {name: entry.name, dir: entry.dir, nodeRoot: layout.nodeRoot, node}
  if (!entry.record) return {...base, state: 'unreadable', problem: entry.problem?.message ?? 'no lab.json'}
  const record = entry.record
  const abandoned = record.state === 'creating' && record.upPid !== undefined && !isAlive(record.upPid)
  return {...base, state: abandoned ? 'abandoned' : record.state, record, endpoints: await readSimEndpoints(layout, record.ports)}
}

/** One named lab (or $KUBELAB_LAB's), or every lab when none is named. */
export async function labStatuses(requested: string | undefined, home: string, env: Environment = process.env): Promise<LabStatusView[]> {
  if (requested === undefined) return Promise.all((await listLabs(home)).map(labStatus))
  const name = await resolveLabName(requested, home, env)
  const dir = labDirFor(home, name)
  return [await labStatus({name, dir, record: await readLabRecord(dir)})]
}
