import {mkdir, rm, stat} from 'node:fs/promises'
import path from 'node:path'
import type {Scenario} from '../scenario/schema.js'
import type {RuntimeName} from '../runtimes/types.js'
import {BinDirMissingError, ExposeNeedsKindError, LabError, LabExistsError, LabInterruptedError, LabUpError, ScenarioRuntimeError} from './errors.js'
import {checkLabName, kubelabHome, labDirFor, labsDir, type Environment} from './home.js'
import {choosePorts, portList, portsScenarioUses, type PortPolicy, type ReplacedPort} from './ports.js'
import {writeLabRecord, type LabRecord} from './record.js'
import {listLabs, type Lab} from './registry.js'
import {kindLabRecord} from './kind-up.js'
import {chooseRuntime, type RuntimeChoice} from './runtime-choice.js'
import {runtimeFor, type RuntimeOptions} from './runtimes.js'
import {DEFAULT_SCENARIO, loadScenarioArgument} from './scenarios.js'
import {saveBaseline} from './solution/baseline.js'

export interface UpOptions {
  /** A scenario id, or the path of a scenario file. Default: all-open. */
  scenario?: string
  /** Default: the scenario id. */
  name?: string
  runtime?: RuntimeChoice
  binDir?: string
  /** Default: kubelabHome(env). */
  home?: string
  env?: Environment
  /** Where scenario ids are looked up. Default: the shipped scenarios. */
  scenariosDir?: string
  /** Aborting (Ctrl-C) stops what has started, removes the lab folder and rejects with LabInterruptedError. */
  signal?: AbortSignal
  /** Which signal aborted, for the error and the exit status. */
  interruptedBy?: () => NodeJS.Signals | undefined
  onProgress?: (message: string) => void
  runtimeOptions?: RuntimeOptions
  /**
   * real-when-free (default): each component on its real port when that is free. any-free: every
   * port from the OS, for running beside labs and services that hold the real ones (tests).
   */
  portPolicy?: PortPolicy
}

export interface UpOutcome {
  lab: Lab
  scenario: Scenario
  /** Ports that could not have their real number. */
  replaced: ReplacedPort[]
  notes: string[]
  /** Milliseconds from the start of the command. */
  timings: {readyMs: number; seededMs: number; totalMs: number}
}

/**
 * `kubelab up`: checks everything that can be checked before writing (name free, runtime usable,
 * scenario valid, tools installed), chooses ports, then has the runtime lay out and start the node.
 * Any failure or interruption after the lab folder exists stops what was started and removes the
 * folder, so the next `up` starts clean.
 */
export async function upLab(options: UpOptions = {}): Promise<UpOutcome> {
  const started = Date.now()
  const env = options.env ?? process.env
  const home = options.home ?? kubelabHome(env)
  const progress = options.onProgress ?? (() => undefined)
  const interrupted = (name: string): LabInterruptedError => new LabInterruptedError(name, options.interruptedBy?.() ?? 'SIGINT')

  const scenario = await loadScenarioArgument(options.scenario ?? DEFAULT_SCENARIO, options.scenariosDir)
  const name = options.name ?? scenario.id
  checkLabName(name)
  const labDir = labDirFor(home, name)
  if (await exists(labDir)) throw new LabExistsError(name)
  const binDir = options.binDir === undefined ? undefined : await checkBinDir(options.binDir)
  const decision = await chooseRuntime(options.runtime ?? 'auto', {...(binDir ? {binDir} : {}), env})
  const runtimeName: RuntimeName = decision.runtime
  if (options.runtime !== runtimeName) progress(decision.reason)
  if (!scenario.runtimes.includes(runtimeName)) throw new ScenarioRuntimeError(scenario.id, runtimeName, scenario.runtimes)
  if (runtimeName === 'sim' && options.runtimeOptions?.kind?.expose) throw new ExposeNeedsKindError()
  const runtime = runtimeFor(runtimeName, options.runtimeOptions)
  const preflight = await runtime.preflight({scenario, ...(binDir ? {binDir} : {})})
  if (options.signal?.aborted) throw interrupted(name)

  const taken = new Map<number, string>()
  for (const other of await listLabs(home)) for (const port of other.record ? portList(other.record.ports) : []) taken.set(port, other.name)
  const {ports, replaced} = await choosePorts(portsScenarioUses(scenario), {taken, ...(options.portPolicy ? {policy: options.portPolicy} : {})})
  const kind = runtimeName === 'kind' ? kindLabRecord(name, scenario, ports, options.runtimeOptions?.kind, progress) : undefined

  await mkdir(labsDir(home), {recursive: true})
  try {
    await mkdir(labDir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new LabExistsError(name)
    throw error
  }
  let record: LabRecord = {
    name,
    scenario: scenario.id,
    scenarioTitle: scenario.title,
    runtime: runtimeName,
    kubernetesVersion: scenario.kubernetesVersion,
    ports,
    ...(binDir ? {binDir} : {}),
    createdAt: new Date().toISOString(),
    state: 'creating',
    kubeconfig: runtime.kubeconfigPath(labDir),
    upPid: process.pid,
    ...(kind ? {kind} : {}),
  }
  try {
    await writeLabRecord(labDir, record)
    const offset = Date.now() - started
    const result = await runtime.up({
      name,
      labDir,
      scenario,
      ports,
      ...(binDir ? {binDir} : {}),
      ...(options.signal ? {signal: options.signal} : {}),
      onProgress: progress,
    })
    options.signal?.throwIfAborted()
    const {upPid: _creator, ...rest} = record
    const timings = {readyMs: result.timings.readyMs + offset, seededMs: result.timings.seededMs + offset}
    record = {...rest, state: 'ready', readyAt: new Date().toISOString(), kubeconfig: result.kubeconfig, timings}
    await writeLabRecord(labDir, record)
    await saveBaseline({name, dir: labDir, record})
    return {
      lab: {name, dir: labDir, record},
      scenario,
      replaced,
      notes: [...preflight.notes, ...result.notes.filter((note) => !preflight.notes.includes(note))],
      timings: {...timings, totalMs: Date.now() - started},
    }
  } catch (error) {
    const aborted = options.signal?.aborted === true
    await writeLabRecord(labDir, {...record, state: 'failed', message: aborted ? 'interrupted' : String((error as Error).message ?? error)}).catch(() => undefined)
    try {
      await runtime.stop(labDir)
    } catch (stopError) {
      throw new LabUpError(name, error, `Could not stop everything it started (${(stopError as Error).message}); the folder ${labDir} is kept: run \`kubelab down ${name}\`.`)
    }
    await rm(labDir, {recursive: true, force: true})
    if (aborted) throw interrupted(name)
    if (error instanceof LabError) throw error
    throw new LabUpError(name, error, `Stopped what had started and removed ${labDir}.`)
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file)
    return true
  } catch {
    return false
  }
}

async function checkBinDir(folder: string): Promise<string> {
  const absolute = path.resolve(folder)
  try {
    if ((await stat(absolute)).isDirectory()) return absolute
  } catch {
    // reported below
  }
  throw new BinDirMissingError(folder)
}
