import {existsSync, readFileSync} from 'node:fs'
import {copyFile, mkdir, rename, rm, symlink, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {compiledKubelab, type CompiledKubelab} from './compiled.js'

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** A runnable kubelab CLI over a compiled copy of src/: what `kubelab` is once installed. */
export interface KubelabCli extends CompiledKubelab {
  /** <package>/bin/run.js: run it with `node`. */
  bin: string
  /** [node, bin]: the argv prefix that runs kubelab. */
  command: string[]
}

/**
 * The compiled copy of src/ (see compiledKubelab) as an installable package: bin/run.js, and a
 * package.json carrying the project's oclif section, so oclif finds the compiled commands. Never
 * the project's own dist/, which others rebuild while tests run.
 */
export async function kubelabCli(requiredEntries: readonly string[] = []): Promise<KubelabCli> {
  const compiled = await compiledKubelab(['runtimes/sim/kubelet/main.js', 'runtimes/sim/apiserver/main.js', ...requiredEntries])
  const root = `${compiled.root}-cli`
  const bin = path.join(root, 'bin', 'run.js')
  const cli = {...compiled, bin, command: [process.execPath, bin]}
  if (existsSync(path.join(root, '.complete'))) return cli

  const project = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {version: string; oclif: unknown}
  const staging = `${root}.${process.pid}.${Date.now()}`
  await mkdir(path.join(staging, 'bin'), {recursive: true})
  await copyFile(path.join(PROJECT_ROOT, 'bin', 'run.js'), path.join(staging, 'bin', 'run.js'))
  await writeFile(path.join(staging, 'package.json'), `${JSON.stringify({name: 'kubelab', version: project.version, type: 'module', oclif: project.oclif}, null, 2)}\n`)
  for (const name of ['dist', 'node_modules', 'scenarios']) await symlink(path.join(compiled.root, name), path.join(staging, name))
  await writeFile(path.join(staging, '.complete'), '')
  try {
    await rename(staging, root)
  } catch {
    // another worker finished first
    await rm(staging, {recursive: true, force: true})
  }
  return cli
}
