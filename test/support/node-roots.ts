import {cp, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {NodeRootAccess} from '../../src/target/node-root.js'
import type {FileInfo, NodeAccess, ProcessInfo} from '../../src/target/types.js'

/** test/fixtures/node-roots: node filesystems in kubeadm's real format (see its README.md). */
export const NODE_ROOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'node-roots')

export function fixtureNode(name: string): NodeRootAccess {
  return new NodeRootAccess(path.join(NODE_ROOTS, name))
}

/**
 * The 1-based line of a fixture file whose trimmed text is exactly `text`, found by plain string
 * search so that tests can check the readers' line numbers without trusting the readers.
 */
export async function fixtureLine(name: string, nodePath: string, text: string): Promise<number> {
  const content = await readFile(path.join(NODE_ROOTS, name, nodePath), 'utf8')
  const index = content.split('\n').findIndex((line) => line.trim() === text)
  if (index < 0) throw new Error(`${text} is not a line of ${name}${nodePath}`)
  return index + 1
}

export interface TempNodeRoot {
  root: string
  node: NodeRootAccess
  remove(): Promise<void>
}

/**
 * A writable node root in a temp folder: a copy of `fixture` (or empty), with `files` written over it
 * (node path → text) and `remove` node paths deleted.
 */
export async function tempNodeRoot(fixture: string | undefined, files: Record<string, string> = {}, remove: string[] = []): Promise<TempNodeRoot> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'kubelab-node-root-'))
  if (fixture) await cp(path.join(NODE_ROOTS, fixture), root, {recursive: true})
  const node = new NodeRootAccess(root)
  for (const [nodePath, text] of Object.entries(files)) {
    const target = node.resolve(nodePath)
    await mkdir(path.dirname(target), {recursive: true})
    await writeFile(target, text)
  }
  for (const nodePath of remove) await rm(node.resolve(nodePath), {force: true})
  return {root, node, remove: () => rm(root, {recursive: true, force: true})}
}

/** A node that shows the given processes and counts file reads; files come from `base`. */
export class ObservedNode implements NodeAccess {
  readonly description: string
  readonly reads: string[] = []

  constructor(
    private readonly base: NodeAccess,
    private readonly running: ProcessInfo[] = [],
  ) {
    this.description = `observed ${base.description}`
  }

  readFile(nodePath: string): Promise<string | undefined> {
    this.reads.push(nodePath)
    return this.base.readFile(nodePath)
  }

  stat(nodePath: string): Promise<FileInfo | undefined> {
    return this.base.stat(nodePath)
  }

  listDir(nodePath: string): Promise<string[] | undefined> {
    return this.base.listDir(nodePath)
  }

  processes(): Promise<ProcessInfo[]> {
    return Promise.resolve(this.running)
  }
}
