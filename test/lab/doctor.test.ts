import {chmod, mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {BinDirNotFoundError, checkCgroup, checkNode, checkPortFree, compareVersions, runDoctor, type DoctorReport} from '../../src/lab/doctor.js'
import {formatDoctor} from '../../src/lab/doctor-text.js'
import {findExecutable} from '../../src/runtimes/shared/find-executable.js'

/*
 * Fake executables stand in for tools that are absent or cannot be put in every state here (kind is not installable
 * on these machines; a stopped or unreachable Docker daemon). They are enough for "is it there, does it run, what
 * version" checks, and each prints what the real tool prints:
 *   etcd --version                     → "etcd Version: 3.4.23" + Git SHA/Go lines (etcd 3.4.23 from Debian, run here)
 *   docker version --format ...        → "28.2.2"; docker info --format ... → "20.10.24+dfsg1" (docker 28 CLI, run here)
 *   docker info, daemon down           → stderr "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.
 *                                        Is the docker daemon running?", exit 1 (docker 28 CLI with DOCKER_HOST at a
 *                                        missing socket, run here; same text in kind issue #1101 threads)
 *   docker info, no permission         → "permission denied while trying to connect to the Docker daemon socket ..."
 *                                        (kubernetes-sigs/kind#860)
 *   kind version                       → "kind v0.20.0 go1.20.4 linux/amd64" (kind's `version` command output format)
 *   kubectl version --client -o json   → {"clientVersion":{"gitVersion":"v1.32.4",...}} (kubectl 1.32, run here)
 * The real etcd (/usr/bin/etcd) and, where installed, the real docker client are used as well.
 */
const DOCKER_DOWN = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'
const DOCKER_DENIED =
  'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.47/info": dial unix /var/run/docker.sock: connect: permission denied'

const FAKES = {
  etcd: `#!/bin/sh
printf 'etcd Version: 3.4.23\\nGit SHA: Not provided (use ./build instead of go build)\\nGo Version: go1.19.8\\nGo OS/Arch: linux/amd64\\n'`,
  oldEtcd: `#!/bin/sh
printf 'etcd Version: 3.3.27\\nGit SHA: GitNotFound\\nGo Version: go1.12.17\\nGo OS/Arch: linux/amd64\\n'`,
  brokenEtcd: `#!/bin/sh
echo "etcd: error while loading shared libraries: libc.so.6: cannot open shared object file" >&2
exit 127`,
  docker: `#!/bin/sh
case "$1" in
  version) echo "28.2.2" ;;
  info) echo "20.10.24+dfsg1" ;;
esac`,
  dockerDown: `#!/bin/sh
case "$1" in
  version) echo "28.2.2" ;;
  info) echo "${DOCKER_DOWN}" >&2; exit 1 ;;
esac`,
  dockerDenied: `#!/bin/sh
case "$1" in
  version) echo "28.2.2" ;;
  info) echo '${DOCKER_DENIED}' >&2; exit 1 ;;
esac`,
  dockerHangs: `#!/bin/sh
case "$1" in
  version) echo "28.2.2" ;;
  info) exec /bin/sleep 20 ;;
esac`,
  kind: `#!/bin/sh
echo "kind v0.20.0 go1.20.4 linux/amd64"`,
  kubectl: `#!/bin/sh
echo '{"clientVersion":{"major":"1","minor":"32","gitVersion":"v1.32.4","platform":"linux/amd64"},"kustomizeVersion":"v5.5.0"}'`,
}

const REAL_DOCKER = await findExecutable('docker', process.env.PATH)
/** Needs the real docker client; skipped (and reported as skipped) on machines without one. */
const itWithRealDocker = REAL_DOCKER ? it : it.skip

let folder: string
const dirs: Record<string, string> = {}
let busy: Server
let busyPort: number
let freePort: number

async function toolDir(name: string, tools: Record<string, string>): Promise<string> {
  const dir = path.join(folder, name)
  await mkdir(dir, {recursive: true})
  for (const [tool, script] of Object.entries(tools)) {
    await writeFile(path.join(dir, tool), script + '\n')
    await chmod(path.join(dir, tool), 0o755)
  }
  return dir
}

function pathOf(...names: string[]): {PATH: string} {
  return {PATH: names.map((name) => dirs[name]).join(path.delimiter)}
}

function finding(report: DoctorReport, id: string) {
  const found = report.findings.find((item) => item.id === id)
  if (!found) throw new Error(`no finding ${id}`)
  return found
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'kubelab-doctor-'))
  dirs.empty = await toolDir('empty', {})
  dirs.all = await toolDir('all', {etcd: FAKES.etcd, docker: FAKES.docker, kind: FAKES.kind, kubectl: FAKES.kubectl})
  dirs.etcdOnly = await toolDir('etcd-only', {etcd: FAKES.etcd})
  dirs.oldEtcd = await toolDir('old-etcd', {etcd: FAKES.oldEtcd})
  dirs.brokenEtcd = await toolDir('broken-etcd', {etcd: FAKES.brokenEtcd})
  dirs.kindOnly = await toolDir('kind-only', {kind: FAKES.kind})
  dirs.dockerDown = await toolDir('docker-down', {docker: FAKES.dockerDown})
  dirs.dockerDenied = await toolDir('docker-denied', {docker: FAKES.dockerDenied})
  dirs.dockerHangs = await toolDir('docker-hangs', {docker: FAKES.dockerHangs})
  dirs.notExecutable = path.join(folder, 'not-executable')
  await mkdir(dirs.notExecutable)
  await writeFile(path.join(dirs.notExecutable, 'etcd'), FAKES.etcd)
  await chmod(path.join(dirs.notExecutable, 'etcd'), 0o644)
  dirs.realEtcd = path.join(folder, 'real-etcd')
  await mkdir(dirs.realEtcd)
  await symlink('/usr/bin/etcd', path.join(dirs.realEtcd, 'etcd'))

  busy = createServer()
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
  busyPort = (busy.address() as {port: number}).port
  const released = createServer()
  await new Promise<void>((resolve) => released.listen(0, '127.0.0.1', resolve))
  freePort = (released.address() as {port: number}).port
  await new Promise<void>((resolve) => released.close(() => resolve()))
})

afterAll(async () => {
  await new Promise<void>((resolve) => busy.close(() => resolve()))
  await rm(folder, {recursive: true, force: true})
})

/** Only the tool checks vary between tests; ports and cgroups are pinned so each test is about one thing. */
function doctor(env: Record<string, string>, extra: Parameters<typeof runDoctor>[0] = {}): Promise<DoctorReport> {
  return runDoctor({env, ports: [], cgroupRoot: folder, nodeVersion: '20.20.2', commandTimeoutMs: 2000, ...extra})
}

describe('runDoctor', () => {
  it('finds every tool with its version, and both runtimes are ready', async () => {
    const report = await doctor(pathOf('all'))
    expect(finding(report, 'etcd')).toMatchObject({status: 'ok', detail: `3.4.23 at ${path.join(dirs.all!, 'etcd')}`})
    expect(finding(report, 'docker')).toMatchObject({status: 'ok', detail: `28.2.2 at ${path.join(dirs.all!, 'docker')}`})
    expect(finding(report, 'docker-daemon')).toMatchObject({status: 'ok', detail: 'server 20.10.24+dfsg1'})
    expect(finding(report, 'kind')).toMatchObject({status: 'ok', detail: `0.20.0 at ${path.join(dirs.all!, 'kind')}`})
    expect(finding(report, 'kubectl')).toMatchObject({status: 'ok', detail: `v1.32.4 at ${path.join(dirs.all!, 'kubectl')}`})
    expect(report.runtimes).toEqual([
      {runtime: 'sim', ready: true, missing: []},
      {runtime: 'kind', ready: true, missing: []},
    ])
    expect(report.ready).toBe(true)
  })

  it('with nothing on PATH, says what each runtime misses and how to fix it', async () => {
    const report = await doctor(pathOf('empty'), {runtime: 'auto'})
    expect(finding(report, 'etcd')).toMatchObject({status: 'missing', detail: 'etcd not found on PATH'})
    expect(finding(report, 'etcd').fix).toContain('apt-get install etcd-server')
    expect(finding(report, 'kind').fix).toContain('go install sigs.k8s.io/kind@')
    expect(finding(report, 'docker').fix).toContain('apt-get install docker.io')
    expect(finding(report, 'kubectl').status).toBe('warn')
    expect(report.runtimes).toEqual([
      {runtime: 'sim', ready: false, missing: ['etcd']},
      {runtime: 'kind', ready: false, missing: ['Docker client', 'Docker daemon', 'kind']},
    ])
    expect(report.ready).toBe(false)
  })

  it('sim needs etcd and Node only; kind needs Docker and kind', async () => {
    const env = pathOf('etcdOnly')
    expect((await doctor(env, {runtime: 'sim'})).ready).toBe(true)
    expect((await doctor(env, {runtime: 'kind'})).ready).toBe(false)
    expect((await doctor(env, {runtime: 'auto'})).ready).toBe(true)
    expect((await doctor(pathOf('kindOnly', 'dockerDown'), {runtime: 'kind'})).runtimes[1]).toEqual({runtime: 'kind', ready: false, missing: ['Docker daemon']})
  })

  it('finds etcd in --bin-dir before PATH, and runs the real etcd binary', async () => {
    const report = await doctor(pathOf('oldEtcd'), {binDir: dirs.realEtcd, runtime: 'sim'})
    expect(finding(report, 'etcd')).toMatchObject({status: 'ok', detail: `3.4.23 at ${path.join(dirs.realEtcd!, 'etcd')}`})
    expect(report.ready).toBe(true)
  })

  it('rejects a --bin-dir that does not exist', async () => {
    await expect(doctor(pathOf('empty'), {binDir: path.join(folder, 'nope')})).rejects.toThrow(BinDirNotFoundError)
    await expect(doctor(pathOf('empty'), {binDir: path.join(folder, 'nope')})).rejects.toThrow(`--bin-dir ${path.join(folder, 'nope')}: no such folder`)
  })

  it('warns about an etcd older than 3.4, and reports one that does not run as missing', async () => {
    expect(finding(await doctor(pathOf('oldEtcd')), 'etcd')).toMatchObject({status: 'warn'})
    expect(finding(await doctor(pathOf('oldEtcd')), 'etcd').detail).toContain('3.3.27')
    const broken = finding(await doctor(pathOf('brokenEtcd')), 'etcd')
    expect(broken.status).toBe('missing')
    expect(broken.detail).toContain('error while loading shared libraries')
  })

  it('does not take a file without the executable bit for a tool', async () => {
    expect(finding(await doctor(pathOf('notExecutable')), 'etcd').status).toBe('missing')
  })

  it('tells a stopped daemon from one the user may not use', async () => {
    const down = finding(await doctor(pathOf('dockerDown')), 'docker-daemon')
    expect(down).toMatchObject({status: 'missing', detail: DOCKER_DOWN})
    expect(down.fix).toContain('systemctl start docker')
    const denied = finding(await doctor(pathOf('dockerDenied')), 'docker-daemon')
    expect(denied.status).toBe('missing')
    expect(denied.fix).toContain('usermod -aG docker')
  })

  it('gives up on a daemon that does not answer within the timeout', async () => {
    const started = Date.now()
    const daemon = finding(await doctor(pathOf('dockerHangs'), {commandTimeoutMs: 300}), 'docker-daemon')
    expect(daemon).toMatchObject({status: 'missing', detail: 'no answer within 300 ms'})
    expect(Date.now() - started).toBeLessThan(5000)
  })

  itWithRealDocker('passes its environment to the tools: the real docker client with DOCKER_HOST at a missing socket', async () => {
    const realDocker = REAL_DOCKER ?? ''
    const dir = path.join(folder, 'real-docker')
    await mkdir(dir, {recursive: true})
    await symlink(realDocker, path.join(dir, 'docker')).catch(() => undefined)
    const socket = path.join(folder, 'no-such-docker.sock')
    const daemon = finding(await doctor({PATH: dir, DOCKER_HOST: `unix://${socket}`, HOME: folder}), 'docker-daemon')
    expect(daemon.status).toBe('missing')
    expect(daemon.detail).toContain(`Cannot connect to the Docker daemon at unix://${socket}`)
  })
})

describe('checkNode', () => {
  it('needs Node 20.19 or later', () => {
    expect(checkNode('20.18.3')).toMatchObject({status: 'missing', neededBy: ['sim', 'kind']})
    expect(checkNode('20.18.3').fix).toContain('20.19')
    expect(checkNode('20.19.0').status).toBe('ok')
    expect(checkNode('22.1.0').status).toBe('ok')
  })

  it('makes every runtime not ready when too old', async () => {
    const report = await doctor(pathOf('all'), {nodeVersion: '18.20.4'})
    expect(report.runtimes.map((item) => item.ready)).toEqual([false, false])
    expect(report.runtimes[0]?.missing).toEqual(['Node.js'])
  })
})

describe('checkCgroup', () => {
  it('reads v2 from cgroup.controllers, v1 (and hybrid) otherwise', async () => {
    const v2 = path.join(folder, 'cg2')
    await mkdir(v2, {recursive: true})
    await writeFile(path.join(v2, 'cgroup.controllers'), 'cpuset cpu io memory pids\n')
    expect(await checkCgroup(v2)).toMatchObject({status: 'ok', detail: 'v2'})

    const v1 = path.join(folder, 'cg1')
    await mkdir(path.join(v1, 'memory'), {recursive: true})
    expect((await checkCgroup(v1)).detail).toMatch(/^v1: /)
    await mkdir(path.join(v1, 'unified'))
    const hybrid = await checkCgroup(v1)
    expect(hybrid).toMatchObject({status: 'warn'})
    expect(hybrid.detail).toMatch(/^v1 \(hybrid\): /)
    expect(hybrid.fix).toContain('systemd.unified_cgroup_hierarchy=1')

    expect((await checkCgroup(path.join(folder, 'no-cgroup'))).detail).toContain('cgroup version unknown')
  })
})

describe('checkPortFree', () => {
  it('sees a port held by a server as busy and a released one as free', async () => {
    const held = await checkPortFree('127.0.0.1', busyPort)
    expect(held).toMatchObject({id: `port-${busyPort}`, status: 'warn', detail: 'in use on 127.0.0.1'})
    expect(held.fix).toContain(`ss -ltnp 'sport = :${busyPort}'`)
    expect(await checkPortFree('127.0.0.1', freePort)).toMatchObject({status: 'ok', detail: 'free on 127.0.0.1'})
  })

  it('checks the ports it is given as part of the report, without making a runtime not ready', async () => {
    const report = await runDoctor({env: pathOf('all'), ports: [busyPort, freePort], cgroupRoot: folder, nodeVersion: '20.20.2'})
    expect(report.findings.filter((item) => item.id.startsWith('port-')).map((item) => item.status)).toEqual(['warn', 'ok'])
    expect(report.ready).toBe(true)
  })
})

describe('compareVersions', () => {
  it('compares numerically and ignores build suffixes', () => {
    expect(compareVersions('20.20.2', '20.19.0')).toBe(1)
    expect(compareVersions('20.9.0', '20.19.0')).toBe(-1)
    expect(compareVersions('v3.5.21-0', '3.5.21')).toBe(0)
    expect(compareVersions('20.10.24+dfsg1', '20.10.24')).toBe(0)
  })
})

describe('formatDoctor', () => {
  it('prints each finding, the fixes, and the verdict for the chosen runtime', async () => {
    const report = await doctor(pathOf('etcdOnly'), {runtime: 'kind'})
    const text = formatDoctor(report, {colour: false})
    expect(text).toContain(`  OK       etcd: 3.4.23 at ${path.join(dirs.etcdOnly!, 'etcd')}\n`)
    expect(text).toContain('  MISSING  kind: kind not found on PATH (needed by kind)\n')
    expect(text).toContain('           fix: Install kind: `go install sigs.k8s.io/kind@latest`')
    expect(text).toContain('sim: ready\n')
    expect(text).toContain('kind: not ready, missing Docker client, Docker daemon, kind\n')
    expect(text.trimEnd().split('\n').at(-1)).toBe('Not ready for kind.')
    expect(text).not.toMatch(/\u001b\[/)
  })
})
