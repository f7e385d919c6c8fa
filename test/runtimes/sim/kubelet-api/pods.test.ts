/**
 * The kubelet as a node agent and its other endpoints, against real etcd and the sim apiserver: static pods and
 * their mirror pods, pods it cannot start (and why, in the kubelet's words), hostPath volumes reaching node files,
 * /containerLogs, /exec without an upgrade, /runningpods/, /stats/summary, /metrics and the debugging switch.
 */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import type {RunningKubeletApi, StaticPodReport} from '../../../../src/runtimes/sim/kubelet/api/kubelet-api.js'
import type {TempNodeRoot} from '../../../support/node-roots.js'
import {call} from '../../../support/sim-apiserver.js'
import {collectingLog, configYaml, kubeletPorts, NODE_NAME, simNodeRoot, startKubelet, startSimCluster, type CollectedLog, type SimCluster} from './sim-node.js'

const APISERVER_MANIFEST = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {name: 'kube-apiserver', namespace: 'kube-system', labels: {component: 'kube-apiserver', tier: 'control-plane'}},
  spec: {
    hostNetwork: true,
    containers: [{name: 'kube-apiserver', image: 'registry.k8s.io/kube-apiserver:v1.34.1', command: ['kube-apiserver', '--anonymous-auth=true'], volumeMounts: [{name: 'k8s-certs', mountPath: '/etc/kubernetes/pki', readOnly: true}]}],
    volumes: [{name: 'k8s-certs', hostPath: {path: '/etc/kubernetes/pki', type: 'DirectoryOrCreate'}}],
  },
}

let cluster: SimCluster
let node: TempNodeRoot
let kubelet: RunningKubeletApi
let url: string
let log: CollectedLog
let staticPods: StaticPodReport[] = [{manifest: APISERVER_MANIFEST, file: '/etc/kubernetes/manifests/kube-apiserver.yaml', running: true, startedAt: new Date('2026-11-27T06:00:00Z')}]

const post = (path: string, cmd: string) => call(`${url}${path}`, {method: 'POST', body: `cmd=${encodeURIComponent(cmd)}`, contentType: 'application/x-www-form-urlencoded'})
const createPod = async (body: unknown, namespace = 'default') => expect((await cluster.admin(`/api/v1/namespaces/${namespace}/pods`, {method: 'POST', body})).status).toBe(201)

beforeAll(async () => {
  cluster = await startSimCluster()
  log = collectingLog()
  const ports = await kubeletPorts()
  node = await simNodeRoot(cluster, configYaml(cluster, {anonymousAuth: true, authorizationMode: 'AlwaysAllow', readOnlyPort: false, clientCa: true, ...ports}))
  kubelet = await startKubelet(node, {
    log,
    staticPods: () => staticPods,
    containerLogs: async (_namespace, pod, container) => (pod === `kube-apiserver-${NODE_NAME}` && container === 'kube-apiserver' ? 'line 1\nline 2\nline 3\n' : undefined),
  })
  url = `https://127.0.0.1:${kubelet.ports.secure}`
  await createPod({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'node-reader'}, spec: {automountServiceAccountToken: false, containers: [{name: 'shell', image: 'busybox:1.36', volumeMounts: [{name: 'host', mountPath: '/host'}]}], volumes: [{name: 'host', hostPath: {path: '/'}}]}})
  await createPod({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'missing-secret'}, spec: {automountServiceAccountToken: false, containers: [{name: 'app', image: 'nginx:1.27', volumeMounts: [{name: 'creds', mountPath: '/creds'}]}], volumes: [{name: 'creds', secret: {secretName: 'does-not-exist'}}]}})
  expect((await cluster.admin('/api/v1/namespaces/default/secrets', {method: 'POST', body: {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'half'}, stringData: {USER: 'u'}}})).status).toBe(201)
  await createPod({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'missing-key'}, spec: {automountServiceAccountToken: false, containers: [{name: 'app', image: 'nginx:1.27', env: [{name: 'PASSWORD', valueFrom: {secretKeyRef: {name: 'half', key: 'PASSWORD'}}}]}]}})
  await kubelet.sync()
}, 60_000)

afterAll(async () => {
  await kubelet?.stop()
  await node?.remove()
  await cluster?.stop()
})

describe('static pods', () => {
  it('are served on /pods as the kubelet read them: <pod>-<node>, config hash as UID, config.source file', async () => {
    const list = (await call(`${url}/pods`)).json as {items: Array<{metadata: {name: string; namespace: string; uid: string; annotations: Record<string, string>}; spec: {nodeName: string}; status: {phase: string}}>}
    const pod = list.items.find((item) => item.metadata.name === `kube-apiserver-${NODE_NAME}`)
    expect(pod).toBeDefined()
    expect(pod?.metadata.namespace).toBe('kube-system')
    expect(pod?.metadata.annotations).toMatchObject({'kubernetes.io/config.source': 'file', 'kubernetes.io/config.hash': pod?.metadata.uid})
    expect(pod?.metadata.uid).toMatch(/^[0-9a-f]{32}$/)
    expect(pod?.spec.nodeName).toBe(NODE_NAME)
    expect(pod?.status.phase).toBe('Running')
  })

  it('get a mirror pod in the API server, owned by the Node', async () => {
    const mirror = await cluster.admin(`/api/v1/namespaces/kube-system/pods/kube-apiserver-${NODE_NAME}`)
    expect(mirror.status).toBe(200)
    const body = mirror.json as {metadata: {annotations: Record<string, string>; ownerReferences: Array<{kind: string; name: string}>}; spec: {nodeName: string}; status: {phase: string; podIP: string}}
    expect(body.metadata.annotations['kubernetes.io/config.mirror']).toBe(body.metadata.annotations['kubernetes.io/config.hash'])
    expect(body.metadata.annotations['kubernetes.io/config.source']).toBe('file')
    expect(body.metadata.ownerReferences).toMatchObject([{kind: 'Node', name: NODE_NAME}])
    expect(body.spec.nodeName).toBe(NODE_NAME)
    expect(body.status).toMatchObject({phase: 'Running', podIP: '127.0.0.1'})
  })

  it('run distroless images: there is no cat in kube-apiserver', async () => {
    const answer = await post(`/run/kube-system/kube-apiserver-${NODE_NAME}/kube-apiserver`, 'cat /etc/kubernetes/pki/ca.key')
    expect(answer.status).toBe(500)
    expect(answer.text).toContain('exec: "cat": executable file not found in $PATH')
  })

  it('serve the supervisor\'s logs on /containerLogs, with tailLines', async () => {
    const path = `/containerLogs/kube-system/kube-apiserver-${NODE_NAME}/kube-apiserver`
    expect(await call(`${url}${path}`)).toMatchObject({status: 200, text: 'line 1\nline 2\nline 3\n'})
    expect(await call(`${url}${path}?tailLines=1`)).toMatchObject({status: 200, text: 'line 3\n'})
    expect(await call(`${url}/containerLogs/kube-system/kube-apiserver-${NODE_NAME}/etcd`)).toMatchObject({status: 404, text: `container "etcd" not found in pod "kube-apiserver-${NODE_NAME}"`})
    expect(await call(`${url}/containerLogs/default/nope/x`)).toMatchObject({status: 404, text: 'pod "nope" does not exist'})
  })

  it('lose their mirror pod when the manifest goes', async () => {
    const before = staticPods
    staticPods = []
    try {
      await kubelet.sync()
      expect((await cluster.admin(`/api/v1/namespaces/kube-system/pods/kube-apiserver-${NODE_NAME}`)).status).toBe(404)
      const names = ((await call(`${url}/pods`)).json as {items: Array<{metadata: {name: string}}>}).items.map((item) => item.metadata.name)
      expect(names).not.toContain(`kube-apiserver-${NODE_NAME}`)
    } finally {
      staticPods = before
      await kubelet.sync()
    }
    expect((await cluster.admin(`/api/v1/namespaces/kube-system/pods/kube-apiserver-${NODE_NAME}`)).status).toBe(200)
  })
})

describe('pods the kubelet runs', () => {
  it('reach the node\'s files through a hostPath volume', async () => {
    const answer = await post('/run/default/node-reader/shell', 'cat /host/etc/kubernetes/pki/ca.crt')
    expect(answer).toMatchObject({status: 200, text: cluster.pki.caPem})
  })

  it('stay ContainerCreating when a secret volume cannot be mounted, with the FailedMount event', async () => {
    const pod = (await cluster.admin('/api/v1/namespaces/default/pods/missing-secret')).json as {status: {phase: string; containerStatuses: Array<{state: {waiting: {reason: string}}}>}}
    expect(pod.status.phase).toBe('Pending')
    expect(pod.status.containerStatuses[0]?.state.waiting.reason).toBe('ContainerCreating')
    expect(log.lines).toContainEqual(expect.stringContaining('reason="FailedMount" message="MountVolume.SetUp failed for volume \\"creds\\" : secret \\"does-not-exist\\" not found"'))
  })

  it('report CreateContainerConfigError for a missing secret key', async () => {
    const pod = (await cluster.admin('/api/v1/namespaces/default/pods/missing-key')).json as {status: {containerStatuses: Array<{state: {waiting: {reason: string; message: string}}}>}}
    expect(pod.status.containerStatuses[0]?.state.waiting).toEqual({reason: 'CreateContainerConfigError', message: "couldn't find key PASSWORD in Secret default/half"})
    expect(await post('/run/default/missing-key/app', 'id')).toMatchObject({status: 500, text: 'container not found ("app")'})
  })

  it('leave /pods once deleted', async () => {
    await createPod({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'short'}, spec: {automountServiceAccountToken: false, containers: [{name: 'app', image: 'nginx:1.27'}]}})
    await kubelet.sync()
    const names = async () => ((await call(`${url}/pods`)).json as {items: Array<{metadata: {name: string}}>}).items.map((item) => item.metadata.name)
    expect(await names()).toContain('short')
    await cluster.admin('/api/v1/namespaces/default/pods/short', {method: 'DELETE'})
    await kubelet.sync()
    expect(await names()).not.toContain('short')
  })
})

describe('other endpoints', () => {
  it('/exec without an upgrade: the streaming proxy\'s answers', async () => {
    expect(await call(`${url}/exec/default/node-reader/shell?command=id`, {method: 'POST'})).toMatchObject({status: 400, text: 'you must specify at least 1 of stdin, stdout, stderr'})
    expect(await call(`${url}/exec/default/node-reader/shell?command=id&stdout=1`, {method: 'POST'})).toMatchObject({status: 500, text: 'Upgrade request required\n'})
    expect(await call(`${url}/exec/default/nope/shell?command=id&stdout=1`, {method: 'POST'})).toMatchObject({status: 404, text: 'pod does not exist'})
  })

  it('/runningpods/ lists what runs, as the runtime sees it', async () => {
    const list = (await call(`${url}/runningpods/`)).json as {items: Array<{metadata: {name: string}; spec: {containers: Array<{name: string; image: string}>}}>}
    const names = list.items.map((item) => item.metadata.name)
    expect(names).toContain('node-reader')
    expect(names).not.toContain('missing-secret')
    expect(list.items.find((item) => item.metadata.name === 'node-reader')?.spec.containers).toEqual([{name: 'shell', image: 'busybox:1.36', resources: {}}])
  })

  it('/stats/summary names the node and its pods', async () => {
    const summary = (await call(`${url}/stats/summary`)).json as {node: {nodeName: string}; pods: Array<{podRef: {name: string}}>}
    expect(summary.node.nodeName).toBe(NODE_NAME)
    expect(summary.pods.map((pod) => pod.podRef.name)).toContain('node-reader')
  })

  it('/metrics gives the version away in kubernetes_build_info (KHV002)', async () => {
    const answer = await call(`${url}/metrics`)
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(answer.text).toMatch(/^kubernetes_build_info\{.*git_version="v1\.34\.1".*major="1",minor="34".*\} 1$/m)
    expect(answer.text).toMatch(/^kubelet_running_pods \d+$/m)
  })

  it('/spec is gone in 1.34 (404), as are unknown paths', async () => {
    expect(await call(`${url}/spec/`)).toMatchObject({status: 404, text: '404: Page Not Found'})
    expect(await call(`${url}/pods`, {method: 'POST'})).toMatchObject({status: 405, text: '405: Method Not Allowed'})
  })
})

describe('with enableDebuggingHandlers: false', () => {
  it('refuses /run, /exec, /containerLogs and /configz with 405 on the authenticated port too', async () => {
    const ports = await kubeletPorts()
    const quiet = await simNodeRoot(cluster, configYaml(cluster, {anonymousAuth: true, authorizationMode: 'AlwaysAllow', readOnlyPort: false, clientCa: true, ...ports}, ['enableDebuggingHandlers: false']))
    const other = await startKubelet(quiet)
    try {
      const base = `https://127.0.0.1:${other.ports.secure}`
      expect(await call(`${base}/run/default/node-reader/shell?cmd=id`, {method: 'POST'})).toMatchObject({status: 405, text: 'Debug endpoints are disabled.\n'})
      expect(await call(`${base}/containerLogs/default/node-reader/shell`)).toMatchObject({status: 405, text: 'Debug endpoints are disabled.\n'})
      expect((await call(`${base}/configz`)).status).toBe(404)
      expect((await call(`${base}/pods`)).status).toBe(200)
    } finally {
      await other.stop()
      await quiet.remove()
    }
  })
})
