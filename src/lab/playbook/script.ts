import {constants} from 'node:fs'
import {access, open, stat} from 'node:fs/promises'
import path from 'node:path'
import {findExecutable} from '../../runtimes/shared/find-executable.js'
import type {Environment} from '../home.js'
import {AnsibleMissingError, PlaybookScriptError} from './errors.js'

/** How a hardening script is run: with bash (or its own #! interpreter), or with ansible-playbook. */
export type ScriptKind = 'shell' | 'ansible'

export interface PlaybookScript {
  /** Absolute path of the script. */
  file: string
  kind: ScriptKind
  /** The command line that runs it. */
  command: string[]
}

const PLAYBOOK_EXTENSIONS = ['.yml', '.yaml']

/**
 * Decides how to run `file`. `*.yml`/`*.yaml` is an Ansible playbook, run against this machine
 * (`ansible-playbook -i localhost, -c local FILE`): the lab's node is reached through the
 * environment kubelab sets, not over SSH. Anything else is a shell script: run directly when it is
 * executable and starts with `#!`, else with bash.
 */
export async function resolvePlaybookScript(file: string, env: Environment = process.env): Promise<PlaybookScript> {
  const absolute = path.resolve(file)
  let info
  try {
    info = await stat(absolute)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new PlaybookScriptError(absolute, code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(error)})`)
  }
  if (!info.isFile()) throw new PlaybookScriptError(absolute, 'not a file')
  if (!(await isReadable(absolute))) throw new PlaybookScriptError(absolute, 'cannot read it (permission denied)')

  if (PLAYBOOK_EXTENSIONS.includes(path.extname(absolute).toLowerCase())) {
    const ansible = await findExecutable('ansible-playbook', env['PATH'])
    if (!ansible) throw new AnsibleMissingError(absolute)
    return {file: absolute, kind: 'ansible', command: [ansible, '-i', 'localhost,', '-c', 'local', absolute]}
  }
  if ((await isExecutable(absolute)) && (await startsWithShebang(absolute))) return {file: absolute, kind: 'shell', command: [absolute]}
  const bash = await findExecutable('bash', env['PATH'])
  if (!bash) throw new PlaybookScriptError(absolute, 'it is not executable with a #! line, and bash is not on PATH to run it')
  return {file: absolute, kind: 'shell', command: [bash, absolute]}
}

async function isReadable(file: string): Promise<boolean> {
  return access(file, constants.R_OK).then(
    () => true,
    () => false,
  )
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  )
}

async function startsWithShebang(file: string): Promise<boolean> {
  const handle = await open(file, 'r')
  try {
    const {buffer, bytesRead} = await handle.read(Buffer.alloc(2), 0, 2, 0)
    return bytesRead === 2 && buffer.toString('latin1') === '#!'
  } finally {
    await handle.close()
  }
}
