import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {readFile, rm, unlink, writeFile} from 'node:fs/promises'
import https from 'node:https'
import path from 'node:path'
import type {TLSSocket} from 'node:tls'
import {compiledKubelab} from '../../../support/compiled.js'
import {freePort} from '../../../support/ports.js'
import type {SimNodeLayout} from '../../../../src/runtimes/sim/node/layout.js'
import {processCommandLine} from '../../../../src/runtimes/sim/kubelet/proc.js'
import {stopLab} from '../../../../src/runtimes/sim/kubelet/stop.js'
import {acceptsConnections, componentStatus, makeLab, startKubelet, waitForStatus, writeManifest, type RunningKubelet} from '../../../support/sim-kubelet.js'

interface Answer {
  status: number
  body: string
  contentType: string | undefined
  subject: string
}

function get(port: number, pathname: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = https.get(`https://127.0.0.1:${port}${pathname}`, {rejectUnauthorized: false, agent: false, timeout: 3000}, (response) => {
      let body = ''
      const peer = (response.socket as TLSSocket).getPeerX509Certificate()
      response.on('data', (chunk: Buffer) => (body += chunk.toString()))
      response.on('end', () => resolve({status: response.statusCode ?? 0, body, contentType: response.headers['content-type'], subject: peer?.subject ?? ''}))
    })
    request.on('timeout', () => request.destroy(new Error('timed out')))
    request.on('error', reject)
  })
}

/** kube-scheduler's static pod as kubeadm v1.30 writes it, on a free secure port. */
function schedulerManifest(port: number, extraFlags: string[] = []): string {
  const flags = [
    '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf',
    '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf',
    '--bind-address=127.0.0.1',
    '--kubeconfig=/etc/kubernetes/scheduler.conf',
    '--leader-elect=true',
    `--secure-port=${port}`,
    ...extraFlags,
  ]
  return `apiVersion: v1
kind: Pod
metadata:
  labels:
    component: kube-scheduler
    tier: control-plane
  name: kube-scheduler
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-scheduler
${flags.map((flag) => `    - ${flag}`).join('\n')}
    image: registry.k8s.io/kube-scheduler:v1.30.2
    imagePullPolicy: IfNotPresent
    livenessProbe:
      failureThreshold: 8
      httpGet:
        host: 127.0.0.1
        path: /healthz
        port: ${port}
        scheme: HTTPS
      initialDelaySeconds: 10
      periodSeconds: 10
      timeoutSeconds: 15
    name: kube-scheduler
    resources:
      requests:
        cpu: 100m
    volumeMounts:
    - mountPath: /etc/kubernetes/scheduler.conf
      name: kubeconfig
      readOnly: true
  hostNetwork: true
  priority: 2000001000
  priorityClassName: system-node-critical
  volumes:
  - hostPath:
      path: /etc/kubernetes/scheduler.conf
      type: FileOrCreate
    name: kubeconfig
status: {}
`
}

describe('kube-scheduler run by the sim kubelet as kubelab\'s control-plane stub', () => {
  let simDir: string
  let layout: SimNodeLayout
  let kubelet: RunningKubelet
  let port: number
  const kubeconfig = (): string => path.join(layout.nodeRoot, 'etc/kubernetes/scheduler.conf')

  beforeAll(async () => {
    simDir = (await compiledKubelab(['runtimes/sim/kubelet/main.js', 'runtimes/sim/controlplane-stub/main.js'])).simDir
    layout = await makeLab('stub')
    port = await freePort()
    await writeFile(kubeconfig(), 'apiVersion: v1\nkind: Config\n')
    await writeManifest(layout, 'kube-scheduler.yaml', schedulerManifest(port))
    kubelet = startKubelet(simDir, layout)
  }, 300_000)

  afterAll(async () => {
    await stopLab(layout, {graceMs: 1000})
    await rm(layout.labDir, {recursive: true, force: true})
  }, 30_000)

  it('serves /healthz "ok" over HTTPS on --bind-address:--secure-port with an in-memory self-signed certificate', async () => {
    const status = await waitForStatus(layout, (s) => s.components.find((c) => c.name === 'kube-scheduler')?.state === 'running', 15_000, 'kube-scheduler running')
    const scheduler = status.components.find((component) => component.name === 'kube-scheduler')
    expect(scheduler?.message).toBeUndefined()
    // `ps -ef | grep kube-scheduler` finds it, as auditors look for it.
    expect(processCommandLine(scheduler?.pid ?? -1)?.slice(2)).toEqual([
      'kube-scheduler',
      `--authentication-kubeconfig=${kubeconfig()}`,
      `--authorization-kubeconfig=${kubeconfig()}`,
      '--bind-address=127.0.0.1',
      `--kubeconfig=${kubeconfig()}`,
      '--leader-elect=true',
      `--secure-port=${port}`,
    ])
    const health = await get(port, '/healthz')
    expect(health).toMatchObject({status: 200, body: 'ok', contentType: 'text/plain; charset=utf-8'})
    expect(health.subject).toMatch(/^CN=localhost@\d+$/)
    const metrics = await get(port, '/metrics')
    expect(metrics.status).toBe(403)
    expect(JSON.parse(metrics.body)).toMatchObject({kind: 'Status', reason: 'Forbidden', message: 'forbidden: User "system:anonymous" cannot get path "/metrics"', code: 403})
    expect(await readFile(path.join(layout.logsDir, 'kube-scheduler.log'), 'utf8')).toContain(`Serving securely on 127.0.0.1:${port}`)
  })

  it('crash-loops on an unknown flag with cobra\'s error, backing off 250 ms, then 500 ms', async () => {
    await writeManifest(layout, 'kube-scheduler.yaml', schedulerManifest(port, ['--no-such-flag=1']))
    const status = await waitForStatus(layout, (s) => (s.components.find((c) => c.name === 'kube-scheduler')?.restarts ?? 0) >= 2, 15_000, 'two restarts')
    expect(status.components.find((component) => component.name === 'kube-scheduler')).toMatchObject({lastExit: 'exit code 1'})
    const log = await readFile(path.join(layout.logsDir, 'kube-scheduler.log'), 'utf8')
    expect(log).toContain('Error: unknown flag: --no-such-flag\n')
    const kubeletLog = await readFile(path.join(layout.logsDir, 'kubelet.log'), 'utf8')
    const waits = [...kubeletLog.matchAll(/pod="kube-scheduler" pid=\d+ exit="exit code 1" backoffMs=(\d+)/g)].map((match) => Number(match[1]))
    expect(waits.slice(0, 2)).toEqual([250, 500])
    expect(await acceptsConnections(port)).toBe(false)
  })

  it('exits 1 naming the missing kubeconfig by its node path, as the real one does', async () => {
    await unlink(kubeconfig())
    await writeManifest(layout, 'kube-scheduler.yaml', schedulerManifest(port))
    await waitForStatus(layout, (s) => s.components.find((c) => c.name === 'kube-scheduler')?.lastExit === 'exit code 1' && s.components.find((c) => c.name === 'kube-scheduler')?.restarts === 1, 15_000, 'exit 1 after the edit')
    const log = await readFile(path.join(layout.logsDir, 'kube-scheduler.log'), 'utf8')
    expect(log).toMatch(
      /^E\d{4} [\d:.]+ +\d+ run\.go:72\] "command failed" err="failed to get delegated authentication kubeconfig: failed to get delegated authentication kubeconfig: stat \/etc\/kubernetes\/scheduler\.conf: no such file or directory"$/m,
    )
  })

  it('stops the component when its manifest is removed', async () => {
    await writeFile(kubeconfig(), 'apiVersion: v1\nkind: Config\n')
    await waitForStatus(layout, (s) => s.components.find((c) => c.name === 'kube-scheduler')?.state === 'running', 15_000, 'running again')
    await unlink(path.join(layout.manifestsDir, 'kube-scheduler.yaml'))
    const status = await waitForStatus(layout, (s) => s.components.find((c) => c.name === 'kube-scheduler')?.state === 'stopped', 5000, 'stopped')
    expect(status.components.find((component) => component.name === 'kube-scheduler')).toMatchObject({
      lastExit: 'manifest removed',
      message: 'manifest /etc/kubernetes/manifests/kube-scheduler.yaml was removed',
    })
    expect(componentStatus(layout, 'kube-scheduler')?.pid).toBeUndefined()
    expect(await acceptsConnections(port)).toBe(false)
    kubelet.child.kill('SIGTERM')
    expect(await kubelet.exited).toBe(0)
  })
})
