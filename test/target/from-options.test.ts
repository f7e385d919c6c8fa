import {mkdtemp, mkdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {
  ContextNotFoundError,
  InvalidOptionValueError,
  KubeconfigUnreadableError,
  NodeRootNotFoundError,
  PortOutOfRangeError,
  targetFromOptions,
  TargetOptionError,
} from '../../src/target/from-options.js'
import {NodeRootAccess} from '../../src/target/node-root.js'
import {DEFAULT_PORTS} from '../../src/target/types.js'

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: admin
  user: {}
contexts:
- name: kubelab-admin
  context: {cluster: lab, user: admin}
- name: kubelab-viewer
  context: {cluster: lab, user: admin}
current-context: kubelab-admin
`

let folder: string
let nodeRoot: string
let kubeconfig: string

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'kubelab-target-'))
  nodeRoot = path.join(folder, 'node')
  await mkdir(path.join(nodeRoot, 'etc/kubernetes/manifests'), {recursive: true})
  await writeFile(path.join(nodeRoot, 'etc/kubernetes/manifests/kube-apiserver.yaml'), 'kind: Pod\n')
  kubeconfig = path.join(folder, 'admin.conf')
  await writeFile(kubeconfig, KUBECONFIG)
})

afterAll(async () => {
  await rm(folder, {recursive: true, force: true})
})

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

describe('targetFromOptions', () => {
  it('defaults to the real components on 127.0.0.1 with a 3 s probe timeout and no node access', async () => {
    const target = await targetFromOptions({})
    expect(target).toEqual({endpoints: {host: '127.0.0.1', ports: DEFAULT_PORTS}, timeoutMs: 3000})
  })

  it('overrides only the ports given', async () => {
    const target = await targetFromOptions({host: 'cp.lab.internal', ports: {kubelet: 20250, etcdClient: 32379}})
    expect(target.endpoints).toEqual({host: 'cp.lab.internal', ports: {...DEFAULT_PORTS, kubelet: 20250, etcdClient: 32379}})
  })

  it('reads the node through NodeRootAccess at an absolute path', async () => {
    const relative = path.relative(process.cwd(), nodeRoot)
    const target = await targetFromOptions({nodeRoot: relative})
    expect(target.node).toBeInstanceOf(NodeRootAccess)
    expect((target.node as NodeRootAccess).root).toBe(nodeRoot)
    expect(await target.node?.readFile('/etc/kubernetes/manifests/kube-apiserver.yaml')).toBe('kind: Pod\n')
  })

  it('keeps the kubeconfig, the context and the Kubernetes version (without its v)', async () => {
    const target = await targetFromOptions({kubeconfig, context: 'kubelab-viewer', kubernetesVersion: 'v1.19.16', timeoutMs: 500})
    expect(target.credentials).toEqual({kubeconfigPath: kubeconfig, context: 'kubelab-viewer'})
    expect(target.kubernetesVersion).toBe('1.19.16')
    expect(target.timeoutMs).toBe(500)
  })

  it('rejects a node root that does not exist, naming --node-root and the folder', async () => {
    const missing = path.join(folder, 'no-such-node')
    const error = await rejection(targetFromOptions({nodeRoot: missing}))
    expect(error).toBeInstanceOf(NodeRootNotFoundError)
    expect(error).toBeInstanceOf(TargetOptionError)
    expect((error as TargetOptionError).flag).toBe('--node-root')
    expect(error.message).toBe(`--node-root ${missing}: no such folder`)
  })

  it('rejects a node root that is a file', async () => {
    const error = await rejection(targetFromOptions({nodeRoot: kubeconfig}))
    expect(error).toBeInstanceOf(NodeRootNotFoundError)
    expect(error.message).toBe(`--node-root ${kubeconfig}: not a folder`)
  })

  it('rejects a missing kubeconfig, naming --kubeconfig', async () => {
    const missing = path.join(folder, 'nope.conf')
    const error = await rejection(targetFromOptions({kubeconfig: missing}))
    expect(error).toBeInstanceOf(KubeconfigUnreadableError)
    expect(error.message).toBe(`--kubeconfig ${missing}: no such file`)
  })

  it('rejects a kubeconfig that is a folder or not YAML', async () => {
    expect((await rejection(targetFromOptions({kubeconfig: folder}))).message).toBe(`--kubeconfig ${folder}: is a folder, not a file`)
    const broken = path.join(folder, 'broken.conf')
    await writeFile(broken, 'contexts: [unclosed\n')
    const error = await rejection(targetFromOptions({kubeconfig: broken}))
    expect(error).toBeInstanceOf(KubeconfigUnreadableError)
    expect(error.message).toMatch(new RegExp(`^--kubeconfig ${broken}: not valid YAML`))
  })

  it('rejects a context the kubeconfig does not have, listing those it has', async () => {
    const error = await rejection(targetFromOptions({kubeconfig, context: 'prod'}))
    expect(error).toBeInstanceOf(ContextNotFoundError)
    expect(error.message).toBe(`--context prod: no such context in ${kubeconfig} (contexts: kubelab-admin, kubelab-viewer)`)
  })

  it('rejects --context without --kubeconfig', async () => {
    const error = await rejection(targetFromOptions({context: 'kubelab-admin'}))
    expect((error as TargetOptionError).flag).toBe('--context')
  })

  it.each([
    ['kubelet', '--kubelet-port', 0],
    ['apiserverSecure', '--apiserver-port', 65536],
    ['etcdPeer', '--etcd-peer-port', -1],
    ['kubeletReadOnly', '--kubelet-read-only-port', 10255.5],
  ] as const)('rejects the %s port as "%s %p"', async (key, flag, port) => {
    const error = await rejection(targetFromOptions({ports: {[key]: port}}))
    expect(error).toBeInstanceOf(PortOutOfRangeError)
    expect(error.message).toBe(`${flag} ${port}: a port must be a whole number from 1 to 65535`)
  })

  it('accepts the edges of the port range', async () => {
    const target = await targetFromOptions({ports: {apiserverInsecure: 1, etcdClient: 65535}})
    expect(target.endpoints.ports.apiserverInsecure).toBe(1)
    expect(target.endpoints.ports.etcdClient).toBe(65535)
  })

  it('rejects a timeout below 1 ms and a malformed Kubernetes version', async () => {
    expect((await rejection(targetFromOptions({timeoutMs: 0}))) as TargetOptionError).toMatchObject({flag: '--timeout'})
    const version = await rejection(targetFromOptions({kubernetesVersion: 'latest'}))
    expect(version).toBeInstanceOf(InvalidOptionValueError)
    expect(version.message).toBe('--k8s-version latest: expected a Kubernetes version such as 1.19.16 or v1.30')
  })
})
