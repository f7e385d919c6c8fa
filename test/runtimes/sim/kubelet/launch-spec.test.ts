import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {chmod, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {MissingExecutableError} from '../../../../src/runtimes/sim/kubelet/errors.js'
import type {ExecutableOptions} from '../../../../src/runtimes/sim/kubelet/executables.js'
import {buildLaunchSpec, expandReferences, kubernetesVersionOf} from '../../../../src/runtimes/sim/kubelet/launch-spec.js'
import {parseStaticPod} from '../../../../src/runtimes/sim/kubelet/manifest.js'

let folder: string
let options: ExecutableOptions
const nodeRoot = '/tmp/labs/demo/node'

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'kubelab-launch-'))
  const apiserver = path.join(folder, 'sim', 'apiserver-main.js')
  const stub = path.join(folder, 'sim', 'stub-main.js')
  await mkdir(path.join(folder, 'sim'))
  await Promise.all([writeFile(apiserver, ''), writeFile(stub, '')])
  options = {binDir: undefined, searchPath: '/usr/bin:/bin', nodeRoot, entryPoints: {apiserver, controlplaneStub: stub}}
})

afterAll(async () => {
  await rm(folder, {recursive: true, force: true})
})

function pod(command: string[], extra = ''): ReturnType<typeof parseStaticPod> {
  const text = `apiVersion: v1
kind: Pod
metadata:
  name: ${path.basename(command[0] ?? 'x')}
spec:
  containers:
  - name: main
    image: registry.k8s.io/${path.basename(command[0] ?? 'x')}:v1.30.2
    command:
${command.map((word) => `    - ${JSON.stringify(word)}`).join('\n')}
${extra}`
  return parseStaticPod(text, '/etc/kubernetes/manifests/x.yaml')
}

const source = {file: '/etc/kubernetes/manifests/x.yaml', textHash: 'abc'}

describe('turning a static pod into a command line', () => {
  it('runs etcd from PATH with node paths in the node root, and a minimal container environment', async () => {
    const spec = await buildLaunchSpec(pod(['etcd', '--data-dir=/var/lib/etcd', '--name=lab']), source, options)
    expect(spec.argv).toEqual(['/usr/bin/etcd', `--data-dir=${nodeRoot}/var/lib/etcd`, '--name=lab'])
    expect(spec.simulated).toBe(false)
    expect(spec.cwd).toBe(nodeRoot)
    expect(spec.env).toEqual({PATH: '/usr/bin:/bin', KUBELAB_NODE_ROOT: nodeRoot, KUBELAB_K8S_VERSION: 'v1.30.2'})
  })

  it('prefers a binary in --bin-dir', async () => {
    const binDir = path.join(folder, 'bin')
    await mkdir(binDir)
    await writeFile(path.join(binDir, 'etcd'), '#!/bin/sh\n')
    await chmod(path.join(binDir, 'etcd'), 0o755)
    const spec = await buildLaunchSpec(pod(['/usr/local/bin/etcd']), source, {...options, binDir})
    expect(spec.argv).toEqual([path.join(binDir, 'etcd')])
  })

  it('says how to install etcd when it is nowhere to be found', async () => {
    const attempt = buildLaunchSpec(pod(['etcd']), source, {...options, searchPath: '/nonexistent-a:/nonexistent-b'})
    await expect(attempt).rejects.toThrow(MissingExecutableError)
    await expect(attempt).rejects.toThrow('executable "etcd" not found (searched /nonexistent-a, /nonexistent-b); install it with: apt-get install etcd-server')
  })

  it('runs kubelab\'s simulated API server under node, with the image tag as the Kubernetes version', async () => {
    const spec = await buildLaunchSpec(pod(['kube-apiserver', '--client-ca-file=/etc/kubernetes/pki/ca.crt']), source, options)
    expect(spec.argv).toEqual([process.execPath, options.entryPoints.apiserver, `--client-ca-file=${nodeRoot}/etc/kubernetes/pki/ca.crt`])
    expect(spec.simulated).toBe(true)
    expect(spec.env['KUBELAB_K8S_VERSION']).toBe('v1.30.2')
  })

  it('runs the stub for kube-scheduler and kube-controller-manager, naming the component first', async () => {
    const scheduler = await buildLaunchSpec(pod(['kube-scheduler', '--bind-address=127.0.0.1']), source, options)
    expect(scheduler.argv).toEqual([process.execPath, options.entryPoints.controlplaneStub, 'kube-scheduler', '--bind-address=127.0.0.1'])
  })

  it('expands $(VAR) from the container env in command and args, after the env itself', async () => {
    const extra = `    args:
    - --advertise-address=$(ADDRESS)
    - --literal=$$(ADDRESS)
    - --unknown=$(NOT_SET)
    env:
    - name: HOST
      value: 127.0.0.9
    - name: ADDRESS
      value: $(HOST)
`
    const spec = await buildLaunchSpec(pod(['etcd'], extra), source, options)
    expect(spec.argv.slice(1)).toEqual(['--advertise-address=127.0.0.9', '--literal=$(ADDRESS)', '--unknown=$(NOT_SET)'])
    expect(spec.env).toMatchObject({HOST: '127.0.0.9', ADDRESS: '127.0.0.9'})
  })

  it('probes the startup probe\'s URL, resolving a named port, and creates DirectoryOrCreate folders under the node root only', async () => {
    const extra = `    ports:
    - containerPort: 2381
      name: probe-port
    startupProbe:
      httpGet:
        host: 127.0.0.1
        path: /health
        port: probe-port
        scheme: HTTP
  volumes:
  - name: data
    hostPath:
      path: /var/lib/etcd
      type: DirectoryOrCreate
  - name: outside
    hostPath:
      path: /usr/libexec/kubernetes/kubelet-plugins/volume/exec
      type: DirectoryOrCreate
  - name: kubeconfig
    hostPath:
      path: /etc/kubernetes/scheduler.conf
      type: FileOrCreate
`
    const spec = await buildLaunchSpec(pod(['etcd'], extra), source, options)
    expect(spec.probe).toEqual({kind: 'startup', url: 'http://127.0.0.1:2381/health'})
    expect(spec.directoriesToCreate).toEqual([`${nodeRoot}/var/lib/etcd`])
  })

  it('caps the grace period between SIGTERM and SIGKILL at 3 s', async () => {
    expect((await buildLaunchSpec(pod(['etcd']), source, options)).graceMs).toBe(3000)
    expect((await buildLaunchSpec(pod(['etcd'], '  terminationGracePeriodSeconds: 1\n'), source, options)).graceMs).toBe(1000)
  })
})

describe('helpers', () => {
  it('reads Kubernetes versions from image tags only', () => {
    expect(kubernetesVersionOf('registry.k8s.io/kube-apiserver:v1.19.16')).toBe('v1.19.16')
    expect(kubernetesVersionOf('registry.k8s.io/etcd:3.5.15-0')).toBeUndefined()
    expect(kubernetesVersionOf('localhost:5000/kube-apiserver')).toBeUndefined()
    expect(kubernetesVersionOf(undefined)).toBeUndefined()
  })

  it('expands references like the kubelet', () => {
    expect(expandReferences('$(A)-$(B)-$$(A)-$(', {A: 'x'})).toBe('x-$(B)-$(A)-$(')
  })
})
