/**
 * The kind-compatible node image, built offline: no registry, no Dockerfile base. A root filesystem is
 * assembled from this machine's own files and `docker import`ed as `kubelab/kind-node-fixture:<hash>`,
 * the hash covering every input, so the image is built once and reused until an input changes.
 *
 * Inside: busybox-static (sh and the coreutils), /usr/bin/node and /usr/bin/etcd (+ etcdctl) with the
 * shared libraries `ldd` names, tini as PID 1 (Docker's own docker-init), kubelab compiled from src/
 * with its production node_modules, package.json and scenarios/, and this folder's node/ and bin/.
 *
 * What it reproduces of a kind node (kind v0.17–v0.30, kindest/node):
 * - the container as kind runs it: name `<cluster>-control-plane`, hostname = node name, labels
 *   `io.x-k8s.kind.cluster=<cluster>` and `io.x-k8s.kind.role=control-plane` (set by ./container.ts, as
 *   kind sets them on `docker run`), ports published on 127.0.0.1 only;
 * - kind's paths, written by kubeadm's rules for the scenario: /etc/kubernetes/manifests/*.yaml,
 *   /etc/kubernetes/pki/**, /etc/kubernetes/{admin,kubelet,controller-manager,scheduler}.conf,
 *   /var/lib/kubelet/config.yaml, /var/lib/kubelet/kubeadm-flags.env, the kubelet's systemd drop-in
 *   /etc/systemd/system/kubelet.service.d/10-kubeadm.conf, /kind/version; components listening on the
 *   container's interface with the node's IP as advertise address (what kind's kubeadm config does);
 * - the node's tools as kubelab and a learner call them: `systemctl restart|is-active|show kubelet`
 *   (the kubelet alone restarts and re-reads its files, as with kind's systemd unit), `journalctl -u
 *   kubelet`, `crictl ps|inspect|stop|logs` for the static pods (bin/, node/node-tools.ts).
 * What it does not: systemd, containerd and real containers (static pods are the sim kubelet's
 * processes, with the simulated API server), kubeadm itself (the sim renders its files), CNI, worker
 * nodes, `kind create`/`kind delete` (see fake-kind), images other than the node's.
 */
import {createHash} from 'node:crypto'
import {chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {transformFile} from '@swc/core'
import {execa} from 'execa'
import {compiledKubelab} from '../compiled.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const PROJECT_ROOT = path.resolve(HERE, '../../..')
export const FIXTURE_REPOSITORY = 'kubelab/kind-node-fixture'

/** Where the fixture's own compiled files go in the image: the same place relative to /kubelab as in the project. */
const FIXTURE_IN_IMAGE = '/kubelab/test/support/kind-node'

/** Host programs copied in, with their libraries. */
const PROGRAMS = ['/usr/bin/node', '/usr/bin/etcd', '/usr/bin/etcdctl']
const BUSYBOX = '/bin/busybox'
const TINI = '/usr/bin/tini-static'

const IMAGE_CHANGES = [
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  // The components listen on the node container's own interface, as kind's do: Docker forwards a published port
  // to that interface, never to the container's loopback. That interface lives in the container's own network
  // namespace, reachable from the host only through the ports ./container.ts publishes on 127.0.0.1, so the
  // sim kubelet's refusal of non-loopback binds is lifted here and nowhere else.
  'ENV KUBELAB_ALLOW_WILDCARD=1',
  `ENTRYPOINT ["/sbin/tini", "--", "/usr/bin/node", "${FIXTURE_IN_IMAGE}/node/entrypoint.js"]`,
]

export interface FixtureImage {
  /** kubelab/kind-node-fixture:<hash> */
  tag: string
  /** false: an image of these inputs existed already. */
  built: boolean
  elapsedMs: number
}

/** Builds the fixture image unless one of the same inputs exists. */
export async function kindNodeFixtureImage(): Promise<FixtureImage> {
  const started = Date.now()
  const compiled = await compiledKubelab()
  const fixtureSources = await listFiles(path.join(HERE, 'node'))
  const tools = await listFiles(path.join(HERE, 'bin'))
  const tag = `${FIXTURE_REPOSITORY}:${await inputsHash(compiled.root, [...fixtureSources, ...tools, path.join(HERE, 'image.ts')])}`
  const exists = await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], {reject: false})
  if (exists.exitCode === 0) return {tag, built: false, elapsedMs: Date.now() - started}

  const rootfs = await mkdtemp(path.join(os.tmpdir(), 'kubelab-kind-node-rootfs-'))
  try {
    await layOutSystem(rootfs)
    await layOutKubelab(rootfs, compiled.dist, fixtureSources, tools)
    const changes = IMAGE_CHANGES.flatMap((change) => ['--change', change])
    const script = 'rootfs="$1"; shift; tar -C "$rootfs" --numeric-owner -cf - . | docker import "$@"'
    const imported = await execa('sh', ['-c', script, 'sh', rootfs, ...changes, '-', tag], {timeout: 300_000, reject: false})
    if (imported.exitCode !== 0) throw new Error(`docker import of ${rootfs} as ${tag} failed (exit ${String(imported.exitCode)}): ${String(imported.stderr)}`)
  } finally {
    await rm(rootfs, {recursive: true, force: true})
  }
  await removeStaleImages(tag)
  return {tag, built: true, elapsedMs: Date.now() - started}
}

/** Fixture images of older inputs, made over an hour ago (178 MB each): no test run still uses them. */
async function removeStaleImages(current: string): Promise<void> {
  const listed = await execa('docker', ['images', FIXTURE_REPOSITORY, '--format', '{{.Repository}}:{{.Tag}} {{.CreatedAt}}'], {reject: false})
  const hourAgo = Date.now() - 60 * 60 * 1000
  for (const line of String(listed.stdout).split('\n')) {
    const [reference, ...created] = line.split(' ')
    const createdAt = Date.parse(created.slice(0, 2).join('T') + created[2]?.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2'))
    if (!reference || reference === current || !(createdAt < hourAgo)) continue
    // a container still running from it keeps it: rmi refuses, which is fine
    await execa('docker', ['rmi', reference], {reject: false})
  }
}

async function listFiles(folder: string): Promise<string[]> {
  return (await readdir(folder)).sort().map((name) => path.join(folder, name))
}

async function inputsHash(compiledRoot: string, files: readonly string[]): Promise<string> {
  const hash = createHash('sha256').update(path.basename(compiledRoot))
  for (const file of [...files, path.join(PROJECT_ROOT, 'package.json'), path.join(PROJECT_ROOT, 'package-lock.json')]) hash.update(file).update(await readFile(file))
  for (const file of await listFiles(path.join(PROJECT_ROOT, 'scenarios'))) if (file.endsWith('.yaml')) hash.update(file).update(await readFile(file))
  for (const program of [...PROGRAMS, BUSYBOX, TINI]) {
    const info = await stat(program)
    hash.update(`${program}:${info.size}:${info.mtimeMs}`)
  }
  return hash.digest('hex').slice(0, 16)
}

/** busybox applets, node/etcd/etcdctl with their libraries, tini, and the folders a kind node has. */
async function layOutSystem(rootfs: string): Promise<void> {
  await copyInto(rootfs, BUSYBOX)
  const applets = (await execa(BUSYBOX, ['--list-full'])).stdout.split('\n').filter((line) => line.trim() !== '')
  for (const applet of applets) {
    const target = path.join(rootfs, applet)
    await mkdir(path.dirname(target), {recursive: true})
    await symlink(BUSYBOX, target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error
    })
  }
  for (const program of PROGRAMS) {
    await copyInto(rootfs, program)
    for (const library of await sharedLibraries(program)) await copyInto(rootfs, library)
  }
  await mkdir(path.join(rootfs, 'sbin'), {recursive: true})
  await cp(TINI, path.join(rootfs, 'sbin/tini'))
  for (const folder of ['tmp', 'root', 'kind', 'etc/kubernetes/manifests', 'var/lib/kubelet', 'var/log', 'run']) await mkdir(path.join(rootfs, folder), {recursive: true})
  await chmod(path.join(rootfs, 'tmp'), 0o1777)
  await writeFile(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n')
  await writeFile(path.join(rootfs, 'etc/group'), 'root:x:0:\n')
}

/** kubelab as an installed package at /kubelab, plus this fixture's compiled entry points and node tools. */
async function layOutKubelab(rootfs: string, dist: string, fixtureSources: readonly string[], tools: readonly string[]): Promise<void> {
  const root = path.join(rootfs, 'kubelab')
  await cp(dist, path.join(root, 'dist'), {recursive: true, dereference: true})
  // The fixture's sources import ../../../../src/…: in the image those resolve to the compiled dist/.
  await symlink('dist', path.join(root, 'src'))
  await cp(path.join(PROJECT_ROOT, 'package.json'), path.join(root, 'package.json'))
  await cp(path.join(PROJECT_ROOT, 'scenarios'), path.join(root, 'scenarios'), {recursive: true, dereference: true})
  for (const folder of await productionPackages()) {
    await cp(folder, path.join(root, path.relative(PROJECT_ROOT, folder)), {recursive: true, dereference: true})
  }
  const fixtureOut = path.join(rootfs, FIXTURE_IN_IMAGE, 'node')
  await mkdir(fixtureOut, {recursive: true})
  for (const source of fixtureSources.filter((file) => file.endsWith('.ts'))) {
    const output = await transformFile(source, {jsc: {parser: {syntax: 'typescript'}, target: 'es2022'}, module: {type: 'es6'}, sourceMaps: false})
    await writeFile(path.join(fixtureOut, path.basename(source).replace(/\.ts$/, '.js')), output.code)
  }
  for (const tool of tools) {
    const target = path.join(rootfs, 'usr/bin', path.basename(tool))
    await cp(tool, target)
    await chmod(target, 0o755)
  }
}

/** Top-level folders of the production dependency tree (npm ls --omit=dev); nested node_modules come along. */
async function productionPackages(): Promise<string[]> {
  const {stdout} = await execa('npm', ['ls', '--omit=dev', '--all', '--parseable'], {cwd: PROJECT_ROOT, reject: false})
  const modules = path.join(PROJECT_ROOT, 'node_modules')
  const topLevel = new Set<string>()
  for (const line of stdout.split('\n')) {
    const relative = path.relative(modules, line.trim())
    if (line.trim() === '' || relative.startsWith('..')) continue
    const parts = relative.split(path.sep)
    topLevel.add(path.join(modules, ...(parts[0]?.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1))))
  }
  return [...topLevel].sort()
}

async function sharedLibraries(program: string): Promise<string[]> {
  const {stdout} = await execa('ldd', [program])
  return stdout
    .split('\n')
    .map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1])
    .filter((file): file is string => file !== undefined)
}

/** Copies a host file to the same path under rootfs, following symlinks (the libraries' soname links). */
async function copyInto(rootfs: string, file: string): Promise<void> {
  const target = path.join(rootfs, file)
  await mkdir(path.dirname(target), {recursive: true})
  await cp(file, target, {dereference: true})
}
