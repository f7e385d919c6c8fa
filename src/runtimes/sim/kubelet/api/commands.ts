/**
 * The command set `POST /run` (and exec) can run in a simulated container: cat, ls, env, id, hostname, whoami, pwd
 * and echo, with the output and error wording of GNU coreutils (Debian images) or BusyBox (Alpine images). A program
 * the image does not have fails the way runc reports it through containerd — which is also what happens in
 * distroless control-plane images, where even `cat` does not exist.
 */
import {randomBytes} from 'node:crypto'
import path from 'node:path'
import type {ContainerFilesystem, FsNode} from './container-fs.js'
import type {ImageProfile} from './container-image.js'

/** What the command did. `started: false` means the runtime could not start it (the kubelet answers 500 with `error`). */
export type CommandResult = {started: true; exitCode: number; stdout: string; stderr: string} | {started: false; error: string}

export interface ContainerProcessContext {
  fs: ContainerFilesystem
  image: ImageProfile
  env: ReadonlyArray<[string, string]>
  hostname: string
  workingDir: string
  uid: number
  gid: number
}

type Tool = (args: string[], context: ContainerProcessContext, name: string) => Promise<Output>

interface Output {
  exitCode: number
  stdout: string
  stderr: string
}

const TOOLS: Readonly<Record<string, Tool>> = {cat, ls, env, id, hostname, whoami, pwd, echo}

export async function runInContainer(argv: readonly string[], context: ContainerProcessContext): Promise<CommandResult> {
  const [command = '', ...args] = argv
  const program = await findProgram(command, context)
  if ('error' in program) return {started: false, error: runtimeError(program.error)}
  const tool = TOOLS[path.posix.basename(program.path)]
  if (!tool) {
    return {
      started: false,
      error: `kubelab sim: ${program.path} exists in this image, but the sim runs only ${Object.keys(TOOLS).join(', ')}`,
    }
  }
  const output = await tool(args, context, path.posix.basename(program.path))
  return {started: true, ...output}
}

/** Go's exec.LookPath as runc applies it inside the container. */
async function findProgram(command: string, context: ContainerProcessContext): Promise<{path: string} | {error: string}> {
  const executable = (found: {kind: string}): boolean => found.kind === 'file'
  if (command.includes('/')) {
    const target = path.posix.resolve(context.workingDir, command)
    const found = await context.fs.read(target, context.workingDir)
    if (found.kind === 'missing') return {error: `exec: ${JSON.stringify(command)}: stat ${command}: no such file or directory`}
    if (!executable(found)) return {error: `exec: ${JSON.stringify(command)}: permission denied`}
    return {path: target}
  }
  if (command !== '') {
    const searchPath = context.env.find(([key]) => key === 'PATH')?.[1] ?? ''
    for (const folder of searchPath.split(':')) {
      if (folder === '') continue
      const candidate = `${folder}/${command}`
      if (executable(await context.fs.read(candidate))) return {path: candidate}
    }
  }
  return {error: `exec: ${JSON.stringify(command)}: executable file not found in $PATH`}
}

/** containerd's ExecSync error for a process runc could not start, as the kubelet passes it on. */
function runtimeError(reason: string): string {
  const execId = randomBytes(32).toString('hex')
  return `rpc error: code = Unknown desc = failed to exec in container: failed to start exec ${JSON.stringify(execId)}: OCI runtime exec failed: exec failed: unable to start container process: ${reason}: unknown`
}

const ok = (stdout: string): Output => ({exitCode: 0, stdout, stderr: ''})

async function cat(args: string[], context: ContainerProcessContext): Promise<Output> {
  const gnu = context.image.flavour !== 'busybox'
  let stdout = ''
  let stderr = ''
  let exitCode = 0
  for (const file of args) {
    const found = await context.fs.read(file, context.workingDir)
    if (found.kind === 'file') {
      stdout += found.content
      continue
    }
    exitCode = 1
    if (found.kind === 'dir') stderr += gnu ? `cat: ${file}: Is a directory\n` : 'cat: read error: Is a directory\n'
    else stderr += gnu ? `cat: ${file}: No such file or directory\n` : `cat: can't open '${file}': No such file or directory\n`
  }
  return {exitCode, stdout, stderr}
}

async function ls(args: string[], context: ContainerProcessContext): Promise<Output> {
  const gnu = context.image.flavour !== 'busybox'
  const options = new Set<string>()
  const targets: string[] = []
  for (const arg of args) {
    if (arg.startsWith('-') && arg.length > 1) {
      for (const letter of arg.slice(1)) {
        if (!'alA1'.includes(letter)) {
          return gnu
            ? {exitCode: 2, stdout: '', stderr: `ls: invalid option -- '${letter}'\nTry 'ls --help' for more information.\n`}
            : {exitCode: 1, stdout: '', stderr: `ls: unrecognized option: ${letter}\nBusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n`}
        }
        options.add(letter)
      }
    } else {
      targets.push(arg)
    }
  }
  if (targets.length === 0) targets.push('.')
  const long = options.has('l')
  const all = options.has('a')
  const almostAll = options.has('A')
  let stdout = ''
  let stderr = ''
  let exitCode = 0
  const blocks: string[] = []
  for (const target of targets) {
    const listed = await context.fs.list(target, context.workingDir)
    if (listed === 'missing') {
      exitCode = gnu ? 2 : 1
      stderr += gnu ? `ls: cannot access '${target}': No such file or directory\n` : `ls: ${target}: No such file or directory\n`
      continue
    }
    if (listed === 'not-a-dir') {
      const entry = context.fs.entryAt(target, context.workingDir)
      blocks.push(long && entry ? `${longLine(target, entry, context)}\n` : `${target}\n`)
      continue
    }
    const shown = listed.filter((entry) => all || almostAll || !entry.name.startsWith('.'))
    const names = all ? [{name: '.', node: {kind: 'dir', mtime: new Date()} as FsNode}, {name: '..', node: {kind: 'dir', mtime: new Date()} as FsNode}, ...shown] : shown
    const lines = names.map((entry) => (long ? longLine(entry.name, entry.node, context) : entry.name))
    const header = targets.length > 1 ? `${target}:\n` : ''
    const total = long ? `total ${names.length * 4}\n` : ''
    blocks.push(`${header}${total}${lines.map((line) => `${line}\n`).join('')}`)
  }
  stdout = blocks.join('\n')
  return {exitCode, stdout, stderr}
}

function longLine(name: string, node: FsNode, context: ContainerProcessContext): string {
  const mode = node.kind === 'dir' ? 'drwxr-xr-x' : node.kind === 'symlink' ? 'lrwxrwxrwx' : permissions(node.mode)
  const size = node.kind === 'file' ? Buffer.byteLength(node.content) : node.kind === 'symlink' ? node.target.length : 4096
  const owner = context.image.users.get(0) ?? 'root'
  const month = node.mtime.toLocaleString('en-US', {month: 'short', timeZone: 'UTC'})
  const time = `${month} ${String(node.mtime.getUTCDate()).padStart(2, ' ')} ${String(node.mtime.getUTCHours()).padStart(2, '0')}:${String(node.mtime.getUTCMinutes()).padStart(2, '0')}`
  const suffix = node.kind === 'symlink' ? ` -> ${node.target}` : ''
  return `${mode} ${node.kind === 'dir' ? 2 : 1} ${owner} ${owner} ${String(size).padStart(5)} ${time} ${name}${suffix}`
}

function permissions(mode: number): string {
  const bits = ['r', 'w', 'x']
  let text = '-'
  for (let shift = 8; shift >= 0; shift -= 1) text += mode & (1 << shift) ? (bits[(8 - shift) % 3] as string) : '-'
  return text
}

async function env(args: string[], context: ContainerProcessContext): Promise<Output> {
  if (args.length > 0) return {exitCode: 125, stdout: '', stderr: `env: '${args[0]}': the sim runs env without arguments only\n`}
  return ok(context.env.map(([key, value]) => `${key}=${value}\n`).join(''))
}

async function id(args: string[], context: ContainerProcessContext): Promise<Output> {
  if (args.length > 0) return {exitCode: 1, stdout: '', stderr: `id: the sim runs id without arguments only\n`}
  const named = (number: number, names: ReadonlyMap<number, string>): string => {
    const name = names.get(number)
    return name === undefined ? String(number) : `${number}(${name})`
  }
  const groups = context.image.flavour === 'busybox' && context.uid === 0 ? [...context.image.groups.keys()].filter((gid) => gid <= 27) : [context.gid]
  return ok(`uid=${named(context.uid, context.image.users)} gid=${named(context.gid, context.image.groups)} groups=${groups.map((gid) => named(gid, context.image.groups)).join(',')}\n`)
}

async function hostname(_args: string[], context: ContainerProcessContext): Promise<Output> {
  return ok(`${context.hostname}\n`)
}

async function whoami(_args: string[], context: ContainerProcessContext): Promise<Output> {
  const name = context.image.users.get(context.uid)
  if (name !== undefined) return ok(`${name}\n`)
  return context.image.flavour === 'busybox'
    ? {exitCode: 1, stdout: '', stderr: `whoami: unknown uid ${context.uid}\n`}
    : {exitCode: 1, stdout: '', stderr: `whoami: cannot find name for user ID ${context.uid}\n`}
}

async function pwd(_args: string[], context: ContainerProcessContext): Promise<Output> {
  return ok(`${context.workingDir}\n`)
}

async function echo(args: string[]): Promise<Output> {
  return ok(`${args.join(' ')}\n`)
}
