import {spawn} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {parseKubeletConfigFile} from '../node-config/kubelet-config-file.js'
import {ConfigParseError} from '../node-config/types.js'
import {ManifestError} from '../runtimes/sim/kubelet/errors.js'
import {parseStaticPod} from '../runtimes/sim/kubelet/manifest.js'
import {NODE_FILE_PATHS} from '../runtimes/sim/node-files/types.js'
import {hostPath, simNodeLayout} from '../runtimes/sim/node/layout.js'
import type {LabComponent} from '../runtimes/types.js'
import {EditorFailedError, EditRefusedError, LabError} from './errors.js'
import type {Environment} from './home.js'
import {kindNodeContainer, labNode} from './node-files.js'
import type {Lab} from './registry.js'

/** The file each component reads its configuration from, as a node path. */
export const EDITABLE_FILES: Readonly<Record<LabComponent, string>> = {
  etcd: NODE_FILE_PATHS.etcdManifest,
  'kube-apiserver': NODE_FILE_PATHS.apiserverManifest,
  'kube-controller-manager': NODE_FILE_PATHS.controllerManagerManifest,
  'kube-scheduler': NODE_FILE_PATHS.schedulerManifest,
  kubelet: NODE_FILE_PATHS.kubeletConfig,
}

/** The component's file is not on the node (deleted by hand, or a lab still being made). */
export class NothingToEditError extends LabError {
  constructor(
    readonly component: LabComponent,
    readonly file: string,
  ) {
    super(`${file} does not exist, so there is no ${component} configuration to edit. See \`kubelab status\`; \`kubelab reset\` restores the scenario's files.`)
    this.name = 'NothingToEditError'
  }
}

export interface EditOptions {
  /** Write the edit even when it does not parse (to watch the kubelet refuse it). */
  force?: boolean
  /** $VISUAL, then $EDITOR, then vi. */
  env?: Environment
}

export interface EditOutcome {
  component: LabComponent
  nodePath: string
  /** Where the file is: on this machine (sim), or `<node container>:<node path>` (kind). */
  file: string
  /** false: the editor left the text as it was, and nothing was written. */
  changed: boolean
  /** Written although it does not parse (--force); the problem is here. */
  forcedProblem?: string
}

/**
 * `kubelab edit COMPONENT`: the file (in the node root, or inside a kind node container) is copied to
 * a temp file and opened in the user's editor (as `kubectl edit` does). On save the text is checked the way the component's reader checks it —
 * the kubelet's static pod decoding for a manifest, KubeletConfiguration decoding for the kubelet's
 * config — and replaces the file atomically (same mode), so the kubelet never reads half a file.
 * A text that does not parse is refused with file:line unless forced, and kept for the user.
 */
export async function editComponent(lab: Lab, component: LabComponent, options: EditOptions = {}): Promise<EditOutcome> {
  const env = options.env ?? process.env
  const node = labNode(lab)
  const nodePath = EDITABLE_FILES[component]
  const file = lab.record.runtime === 'kind' ? `${kindNodeContainer(lab)}:${nodePath}` : hostPath(simNodeLayout(lab.dir), nodePath)
  const original = await node.readFile(nodePath)
  if (original === undefined) throw new NothingToEditError(component, file)

  const folder = await mkdtemp(path.join(os.tmpdir(), `kubelab-edit-${lab.name}-`))
  const draft = path.join(folder, path.basename(nodePath))
  await writeFile(draft, original, {mode: 0o600})
  const editor = env['VISUAL'] || env['EDITOR'] || 'vi'
  try {
    await runEditor(editor, draft, env)
  } catch (error) {
    await rm(folder, {recursive: true, force: true})
    throw error
  }

  const edited = await readFile(draft, 'utf8')
  if (edited === original) {
    await rm(folder, {recursive: true, force: true})
    return {component, nodePath, file, changed: false}
  }
  const problem = validate(component, edited, nodePath)
  if (problem && !options.force) throw new EditRefusedError(nodePath, problem.line, problem.reason, draft)

  // Atomic, keeping the file's mode (a temp file in the same folder renamed over it; on kind, inside the node).
  await node.writeFile(nodePath, edited)
  await rm(folder, {recursive: true, force: true})
  return {component, nodePath, file, changed: true, ...(problem ? {forcedProblem: `${nodePath}${problem.line === undefined ? '' : `:${problem.line}`}: ${problem.reason}`} : {})}
}

interface Problem {
  line: number | undefined
  reason: string
}

/** What the component's own reader would say about the text, or undefined when it reads it. */
export function validate(component: LabComponent, text: string, nodePath: string): Problem | undefined {
  try {
    if (component === 'kubelet') parseKubeletConfigFile(text, nodePath)
    else parseStaticPod(text, nodePath)
    return undefined
  } catch (error) {
    if (error instanceof ManifestError || error instanceof ConfigParseError) return {line: error.line, reason: error.reason}
    throw error
  }
}

/** Runs the editor through the shell, as git does, so EDITOR may carry arguments ("code --wait"). */
function runEditor(editor: string, file: string, env: Environment): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `${editor} "$1"`, 'kubelab-edit', file], {stdio: 'inherit', env: {...env}})
    child.once('error', (error) => reject(new EditorFailedError(editor, `could not be started (${error.message})`)))
    child.once('exit', (code, signal) => {
      if (code === 0) resolve()
      else reject(new EditorFailedError(editor, signal ? `was killed by ${signal}` : `exited with status ${code ?? 'unknown'}`))
    })
  })
}
