import {existsSync} from 'node:fs'
import {mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {sourceHash} from '../../scripts/source-hash.js'

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** A compiled copy of src/ that runs like an installed kubelab: root/dist plus the project's scenarios and node_modules. */
export interface CompiledKubelab {
  /** Stands in for the package folder: dist/, scenarios → project, node_modules → project, package.json. */
  root: string
  dist: string
  /** dist/runtimes/sim: what KUBELAB_SIM_DIR names. */
  simDir: string
}

/**
 * The project's dist/ when `npm run build` made it from the current sources (dist/.source-hash), as in
 * `npm test`. Otherwise compiles src/ with `tsc -p tsconfig.build.json --outDir <tmp>` (never into the
 * project's dist/, which others may be running), once per version of the sources: the folder is named after a hash of every
 * src/ file, so test files and jest workers share one build, and a changed source gets a new one.
 * tsc's exit status is not trusted alone: files others are still writing may not type-check, and
 * tsc emits anyway; the entry points this project's tests need must exist.
 */
export async function compiledKubelab(requiredEntries: readonly string[] = ['runtimes/sim/kubelet/main.js', 'runtimes/sim/apiserver/main.js']): Promise<CompiledKubelab> {
  const hash = await sourceHash(PROJECT_ROOT)
  const projectDist = path.join(PROJECT_ROOT, 'dist')
  const builtFrom = await readFile(path.join(projectDist, '.source-hash'), 'utf8').catch(() => '')
  if (builtFrom.trim() === hash) return {root: PROJECT_ROOT, dist: projectDist, simDir: path.join(projectDist, 'runtimes', 'sim')}
  const root = path.join(os.tmpdir(), `kubelab-compiled-${hash}`)
  const dist = path.join(root, 'dist')
  const compiled = {root, dist, simDir: path.join(dist, 'runtimes', 'sim')}
  if (existsSync(path.join(root, '.complete'))) return compiled

  const staging = `${root}.${process.pid}.${Date.now()}`
  await mkdir(staging, {recursive: true})
  const result = await execa('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', path.join(staging, 'dist'), '--sourceMap', 'false'], {
    cwd: PROJECT_ROOT,
    reject: false,
    timeout: 240_000,
  })
  const missing = requiredEntries.filter((entry) => !existsSync(path.join(staging, 'dist', entry)))
  if (missing.length > 0) {
    await rm(staging, {recursive: true, force: true})
    throw new Error(`tsc did not produce ${missing.join(', ')} (exit ${String(result.exitCode)}):\n${result.stdout}\n${result.stderr}`)
  }
  await writeFile(path.join(staging, 'package.json'), `${JSON.stringify({name: 'kubelab', version: '0.0.0-test', type: 'module'})}\n`)
  await symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(staging, 'node_modules'))
  await symlink(path.join(PROJECT_ROOT, 'scenarios'), path.join(staging, 'scenarios'))
  await symlink(path.join(PROJECT_ROOT, 'lessons'), path.join(staging, 'lessons'))
  await writeFile(path.join(staging, '.complete'), '')
  try {
    await rename(staging, root)
  } catch {
    // another worker finished the same build first
    await rm(staging, {recursive: true, force: true})
  }
  await removeStaleBuilds(root)
  return compiled
}

/** Builds of older sources, untouched for an hour: no test run still uses them. */
async function removeStaleBuilds(current: string): Promise<void> {
  const folder = path.dirname(current)
  const hourAgo = Date.now() - 60 * 60 * 1000
  for (const name of await readdir(folder)) {
    const candidate = path.join(folder, name)
    if (!name.startsWith('kubelab-compiled-') || candidate === current) continue
    const modified = await stat(candidate).then((info) => info.mtimeMs, () => Date.now())
    if (modified < hourAgo) await rm(candidate, {recursive: true, force: true})
  }
}
