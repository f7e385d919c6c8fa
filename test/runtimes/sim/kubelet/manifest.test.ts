import {describe, expect, it} from '@jest/globals'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {ManifestError} from '../../../../src/runtimes/sim/kubelet/errors.js'
import {parseStaticPod} from '../../../../src/runtimes/sim/kubelet/manifest.js'

const NODE_ROOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/node-roots')
const MANIFESTS = 'etc/kubernetes/manifests'

async function fixture(nodeRoot: string, file: string): Promise<string> {
  return readFile(path.join(NODE_ROOTS, nodeRoot, MANIFESTS, file), 'utf8')
}

function manifestError(text: string, file = '/etc/kubernetes/manifests/test.yaml'): ManifestError {
  try {
    parseStaticPod(text, file)
  } catch (error) {
    if (error instanceof ManifestError) return error
    throw error
  }
  throw new Error('the manifest parsed')
}

const MINIMAL = `apiVersion: v1
kind: Pod
metadata:
  name: demo
  namespace: kube-system
spec:
  containers:
  - name: demo
    command:
    - demo
    - --port=1234
`

describe('reading a static pod manifest', () => {
  it('reads kubeadm v1.34 etcd: name, command, named probe port and DirectoryOrCreate volumes', async () => {
    const pod = parseStaticPod(await fixture('kubeadm-1.34-hardened', 'etcd.yaml'), '/etc/kubernetes/manifests/etcd.yaml')
    expect(pod.name).toBe('etcd')
    expect(pod.namespace).toBe('kube-system')
    expect(pod.container.command.slice(0, 3)).toEqual(['etcd', '--advertise-client-urls=https://192.168.122.10:2379', '--cert-file=/etc/kubernetes/pki/etcd/server.crt'])
    expect(pod.container.image).toBe('registry.k8s.io/etcd:3.6.4-0')
    expect(pod.container.ports).toEqual([{name: 'probe-port', containerPort: 2381}])
    expect(pod.container.startupProbe).toEqual({host: '127.0.0.1', path: '/readyz', port: 'probe-port', scheme: 'HTTP'})
    expect(pod.hostPathVolumes).toEqual([
      {name: 'etcd-certs', path: '/etc/kubernetes/pki/etcd', type: 'DirectoryOrCreate'},
      {name: 'etcd-data', path: '/var/lib/etcd', type: 'DirectoryOrCreate'},
    ])
  })

  it.each([
    ['kubeadm-1.34-hardened', 'kube-apiserver.yaml', 'kube-apiserver'],
    ['kubeadm-1.34-hardened', 'kube-controller-manager.yaml', 'kube-controller-manager'],
    ['kubeadm-1.34-hardened', 'kube-scheduler.yaml', 'kube-scheduler'],
    ['kubeadm-1.19-all-open', 'etcd.yaml', 'etcd'],
    ['kubeadm-1.19-all-open', 'kube-apiserver.yaml', 'kube-apiserver'],
    ['flag-forms', 'kube-apiserver.yaml', 'kube-apiserver'],
  ])('reads %s/%s', async (nodeRoot, file, name) => {
    const pod = parseStaticPod(await fixture(nodeRoot, file), `/etc/kubernetes/manifests/${file}`)
    expect(pod.name).toBe(name)
    expect(pod.container.command[0]).toBe(name)
  })

  it('keeps the container env in order, for $(VAR) expansion', async () => {
    const pod = parseStaticPod(await fixture('flag-forms', 'kube-apiserver.yaml'), '/etc/kubernetes/manifests/kube-apiserver.yaml')
    expect(pod.container.env).toContainEqual({name: 'ADVERTISE_ADDRESS', value: '192.168.122.30'})
    expect(pod.container.command).toContain('--advertise-address=$(ADVERTISE_ADDRESS)')
  })

  it('names the file and line of a YAML error: the broken-manifest fixture\'s mis-indented flag on line 17', async () => {
    const error = manifestError(await fixture('broken-manifest', 'kube-apiserver.yaml'), '/etc/kubernetes/manifests/kube-apiserver.yaml')
    expect(error.file).toBe('/etc/kubernetes/manifests/kube-apiserver.yaml')
    expect(error.line).toBe(17)
    expect(error.message).toMatch(/^\/etc\/kubernetes\/manifests\/kube-apiserver\.yaml:17: couldn't parse as pod \(.+\), please check config file$/)
  })

  it('refuses what is not a v1 Pod, at the offending line', () => {
    expect(manifestError(MINIMAL.replace('kind: Pod', 'kind: Deployment'))).toMatchObject({line: 2, reason: 'kind is "Deployment", expected Pod'})
    expect(manifestError(MINIMAL.replace('apiVersion: v1', 'apiVersion: apps/v1'))).toMatchObject({line: 1})
    expect(manifestError('- just\n- a list\n')).toMatchObject({line: 1, reason: 'the document is not a mapping (expected a v1 Pod)'})
    expect(manifestError('')).toMatchObject({line: 1, reason: 'the file holds no YAML document'})
  })

  it('refuses a pod without containers or without a name, as the kubelet\'s validation does', () => {
    expect(manifestError(MINIMAL.replace(/  containers:[\s\S]*/, '  containers: []\n'))).toMatchObject({line: 7, reason: 'spec.containers: Required value'})
    expect(manifestError(MINIMAL.replace('  name: demo\n  namespace', '  namespace'))).toMatchObject({line: 3, reason: 'metadata.name: Required value'})
  })

  it('points at an unquoted number in the command, which the Go decoder refuses', () => {
    const error = manifestError(MINIMAL.replace('    - --port=1234', '    - --port\n    - 1234'))
    expect(error).toMatchObject({line: 12, reason: 'spec.containers[0].command[2]: cannot unmarshal number into string (quote the value)'})
  })

  it('reads YAML 1.1 as go-yaml does: an unquoted "on" in env is a boolean, not a string', () => {
    const text = MINIMAL.replace('    command:', '    env:\n    - name: FLAG\n      value: on\n    command:')
    expect(manifestError(text)).toMatchObject({line: 11, reason: 'spec.containers[0].env[0].value: cannot unmarshal boolean into string (quote the value)'})
  })

  it('gives the same pod hash to a comment-only edit and a new one to a flag edit', () => {
    const base = parseStaticPod(MINIMAL, 'f').podHash
    expect(parseStaticPod(`# edited by hand\n${MINIMAL}`, 'f').podHash).toBe(base)
    expect(parseStaticPod(MINIMAL.replace('1234', '1235'), 'f').podHash).not.toBe(base)
  })

  it('leaves out env variables set with valueFrom, and says so', () => {
    const text = MINIMAL.replace('    command:', '    env:\n    - name: POD_IP\n      valueFrom:\n        fieldRef:\n          fieldPath: status.podIP\n    command:')
    const pod = parseStaticPod(text, 'f')
    expect(pod.container.env).toEqual([])
    expect(pod.container.unresolvedEnv).toEqual(['POD_IP'])
  })
})
