import {mkdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {NODE_FILE_PATHS} from '../../runtimes/sim/node-files/types.js'
import {LabError} from '../errors.js'
import {labNode} from '../node-files.js'
import type {Lab} from '../registry.js'

/** The node files the checks read and the solutions change: what `reset` restores and `diff` compares. */
export const BASELINE_FILES: readonly string[] = [
  NODE_FILE_PATHS.apiserverManifest,
  NODE_FILE_PATHS.etcdManifest,
  NODE_FILE_PATHS.controllerManagerManifest,
  NODE_FILE_PATHS.schedulerManifest,
  NODE_FILE_PATHS.kubeletConfig,
  NODE_FILE_PATHS.kubeletFlagsEnv,
]

const BASELINE_FOLDER = 'baseline'

export function baselineDir(lab: Pick<Lab, 'dir'>): string {
  return path.join(lab.dir, BASELINE_FOLDER)
}

/** The lab has no baseline: it was made by a kubelab that did not keep one. */
export class NoBaselineError extends LabError {
  constructor(readonly labName: string) {
    super(`lab ${labName} has no baseline of its configuration (it was created by an older kubelab), so it cannot be reset or compared. Recreate it: \`kubelab down ${labName}\`, then \`kubelab up\`.`)
    this.name = 'NoBaselineError'
  }
}

/**
 * Copies the node's configuration files, as `up` left them, into labs/<name>/baseline/<node path>.
 * A file the node does not have is not copied: its absence is the baseline. Written to a temp
 * folder renamed into place, so a baseline is whole or absent.
 */
export async function saveBaseline(lab: Lab): Promise<void> {
  const node = labNode(lab)
  const target = baselineDir(lab)
  const staging = `${target}.${process.pid}.tmp`
  await rm(staging, {recursive: true, force: true})
  for (const nodePath of BASELINE_FILES) {
    const text = await node.readFile(nodePath)
    if (text === undefined) continue
    const file = path.join(staging, nodePath)
    await mkdir(path.dirname(file), {recursive: true})
    await writeFile(file, text, {mode: 0o600})
  }
  await mkdir(staging, {recursive: true})
  await rm(target, {recursive: true, force: true})
  await rename(staging, target)
}

/** The file as `up` left it; undefined when the node had no such file. */
export async function readBaselineFile(lab: Lab, nodePath: string): Promise<string | undefined> {
  try {
    return await readFile(path.join(baselineDir(lab), nodePath), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const folder = await stat(baselineDir(lab)).catch(() => undefined)
  if (!folder?.isDirectory()) throw new NoBaselineError(lab.name)
  return undefined
}
