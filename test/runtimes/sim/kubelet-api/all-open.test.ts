/**
 * Issue 4's acceptance, all-open side: a kubelet configured the way the training labs open one (anonymous on,
 * AlwaysAllow, read-only port on) in front of a real etcd and the sim apiserver. A stranger lists the node's pods,
 * runs `cat` in a pod through POST /run and walks away with a service-account token the API server accepts, and
 * reads the same pods over plain HTTP on the read-only port.
 */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import type {RunningKubeletApi} from '../../../../src/runtimes/sim/kubelet/api/kubelet-api.js'
import type {TempNodeRoot} from '../../../support/node-roots.js'
import {call} from '../../../support/sim-apiserver.js'
import {configYaml, kubeletPorts, NODE_NAME, simNodeRoot, startKubelet, startSimCluster, type SimCluster} from './sim-node.js'

const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token'

let cluster: SimCluster
let node: TempNodeRoot
let kubelet: RunningKubeletApi
let kubeletUrl: string
let readOnlyUrl: string

const run = (namespace: string, pod: string, container: string, cmd: string, asForm = true) =>
  call(`${kubeletUrl}/run/${namespace}/${pod}/${container}${asForm ? '' : `?cmd=${encodeURIComponent(cmd)}`}`, {
    method: 'POST',
    ...(asForm ? {body: `cmd=${encodeURIComponent(cmd)}`, contentType: 'application/x-www-form-urlencoded'} : {}),
  })

beforeAll(async () => {
  cluster = await startSimCluster()
  // What the all-open scenario seeds: an ingress controller whose service account is cluster-admin, its legacy token
  // secret mounted by hand (automount off), and an app whose password comes from a secret.
  const seed: Array<[string, unknown]> = [
    ['/api/v1/namespaces', {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'ingress-nginx'}}],
    ['/api/v1/namespaces/ingress-nginx/serviceaccounts', {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'ingress-nginx'}}],
  ]
  for (const [path, body] of seed) expect((await cluster.admin(path, {method: 'POST', body})).status).toBe(201)
  const account = (await cluster.admin('/api/v1/namespaces/ingress-nginx/serviceaccounts/ingress-nginx')).json as {metadata: {uid: string}}
  const {mintLegacyServiceAccountToken} = await import('../../../../src/runtimes/sim/apiserver/service-account-tokens.js')
  const legacyToken = await mintLegacyServiceAccountToken({
    signingKey: cluster.pki.saKeyPem,
    namespace: 'ingress-nginx',
    serviceAccountName: 'ingress-nginx',
    serviceAccountUid: account.metadata.uid,
    secretName: 'ingress-nginx-token',
  })
  const objects: Array<[string, unknown]> = [
    [
      '/api/v1/namespaces/ingress-nginx/secrets',
      {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: {name: 'ingress-nginx-token', annotations: {'kubernetes.io/service-account.name': 'ingress-nginx', 'kubernetes.io/service-account.uid': account.metadata.uid}},
        stringData: {token: legacyToken, 'ca.crt': cluster.pki.caPem, namespace: 'ingress-nginx'},
      },
    ],
    ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: {name: 'ingress-nginx'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin'}, subjects: [{kind: 'ServiceAccount', name: 'ingress-nginx', namespace: 'ingress-nginx'}]}],
    ['/api/v1/namespaces/default/secrets', {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'orders-db'}, stringData: {DB_PASSWORD: 'Tr0ub4dor-orders-prod'}}],
    [
      '/api/v1/namespaces/ingress-nginx/pods',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: 'ingress-nginx-controller'},
        spec: {
          serviceAccountName: 'ingress-nginx',
          automountServiceAccountToken: false,
          containers: [{name: 'controller', image: 'k8s.gcr.io/ingress-nginx/controller:v1.1.1', volumeMounts: [{name: 'token', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true}]}],
          volumes: [{name: 'token', secret: {secretName: 'ingress-nginx-token'}}],
        },
      },
    ],
    [
      '/api/v1/namespaces/default/pods',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: 'orders-api'},
        spec: {automountServiceAccountToken: false, containers: [{name: 'api', image: 'nginx:1.27', env: [{name: 'DB_PASSWORD', valueFrom: {secretKeyRef: {name: 'orders-db', key: 'DB_PASSWORD'}}}]}]},
      },
    ],
  ]
  for (const [path, body] of objects) expect((await cluster.admin(path, {method: 'POST', body})).status).toBe(201)

  const ports = await kubeletPorts()
  node = await simNodeRoot(cluster, configYaml(cluster, {anonymousAuth: true, authorizationMode: 'AlwaysAllow', readOnlyPort: true, clientCa: false, ...ports}))
  kubelet = await startKubelet(node)
  kubeletUrl = `https://127.0.0.1:${kubelet.ports.secure}`
  readOnlyUrl = `http://127.0.0.1:${kubelet.ports.readOnly}`
  await kubelet.sync()
}, 60_000)

afterAll(async () => {
  await kubelet?.stop()
  await node?.remove()
  await cluster?.stop()
})

describe('an all-open kubelet', () => {
  it('lists the node\'s pods to a request without credentials', async () => {
    const answer = await call(`${kubeletUrl}/pods`)
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe('application/json')
    const list = answer.json as {kind: string; items: Array<{metadata: {namespace: string; name: string}; spec: {nodeName: string}; status: {phase: string}}>}
    expect(list.kind).toBe('PodList')
    const names = list.items.map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`).sort()
    expect(names).toEqual(['default/orders-api', 'ingress-nginx/ingress-nginx-controller'])
    for (const pod of list.items) {
      expect(pod.spec.nodeName).toBe(NODE_NAME)
      expect(pod.status.phase).toBe('Running')
    }
  })

  it('runs cat in a pod and hands out a service-account token the API server accepts', async () => {
    const answer = await run('ingress-nginx', 'ingress-nginx-controller', 'controller', `cat ${TOKEN_PATH}`)
    expect(answer.status).toBe(200)
    const token = answer.text
    expect(token.split('.')).toHaveLength(3)
    // The token is the ingress controller's: cluster-admin through its binding.
    const secrets = await cluster.api('/api/v1/namespaces/kube-system/secrets', {token})
    expect(secrets.status).toBe(200)
    const review = await cluster.admin('/apis/authentication.k8s.io/v1/tokenreviews', {method: 'POST', body: {apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {token}}})
    expect(review.json).toMatchObject({status: {authenticated: true, user: {username: 'system:serviceaccount:ingress-nginx:ingress-nginx'}}})
  })

  it('takes the command from the query string as well', async () => {
    const answer = await run('default', 'orders-api', 'api', 'hostname', false)
    expect(answer).toMatchObject({status: 200, text: 'orders-api\n'})
  })

  it('shows a secret-backed environment variable to `env`', async () => {
    const answer = await run('default', 'orders-api', 'api', 'env')
    expect(answer.status).toBe(200)
    expect(answer.text.split('\n')).toContain('DB_PASSWORD=Tr0ub4dor-orders-prod')
  })

  it('answers an unknown program with the container runtime\'s error', async () => {
    const answer = await run('default', 'orders-api', 'api', 'nmap -sS 10.0.0.0/8')
    expect(answer.status).toBe(500)
    expect(answer.text).toMatch(/^rpc error: code = Unknown desc = failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "nmap": executable file not found in \$PATH: unknown$/)
  })

  it('answers a failing command with its exit code and stderr', async () => {
    const answer = await run('default', 'orders-api', 'api', 'cat /etc/shadow')
    expect(answer).toMatchObject({status: 500, text: "command 'cat /etc/shadow' exited with 1: cat: /etc/shadow: No such file or directory\n"})
  })

  it('answers a pod that is not on the node with 404 "pod does not exist", as kube-hunter\'s KHV040 probe expects', async () => {
    const answer = await run('kubelab-probe', 'kubelab-probe', 'kubelab-probe', 'id')
    expect(answer).toMatchObject({status: 404, text: 'pod does not exist'})
  })

  it('serves the same pods over plain HTTP on the read-only port, without credentials', async () => {
    const answer = await call(`${readOnlyUrl}/pods`)
    expect(answer.status).toBe(200)
    const list = answer.json as {items: Array<{metadata: {name: string}}>}
    expect(list.items.map((pod) => pod.metadata.name).sort()).toEqual(['ingress-nginx-controller', 'orders-api'])
  })

  it('refuses to run commands on the read-only port', async () => {
    const answer = await call(`${readOnlyUrl}/run/default/orders-api/api?cmd=id`, {method: 'POST'})
    expect(answer).toMatchObject({status: 405, text: 'Debug endpoints are disabled.\n'})
  })

  it('registered its Node and reported the pods Running in the API server', async () => {
    const registered = await cluster.admin(`/api/v1/nodes/${NODE_NAME}`)
    expect(registered.status).toBe(200)
    expect(registered.json).toMatchObject({
      status: {
        addresses: [{type: 'InternalIP', address: '127.0.0.1'}, {type: 'Hostname', address: NODE_NAME}],
        daemonEndpoints: {kubeletEndpoint: {Port: kubelet.settings.port}},
        nodeInfo: {kubeletVersion: 'v1.34.1'},
      },
    })
    const conditions = (registered.json as {status: {conditions: Array<{type: string; status: string}>}}).status.conditions
    expect(conditions.find((condition) => condition.type === 'Ready')?.status).toBe('True')
    const pod = await cluster.admin('/api/v1/namespaces/default/pods/orders-api')
    expect(pod.json).toMatchObject({spec: {nodeName: NODE_NAME}, status: {phase: 'Running', hostIP: '127.0.0.1', containerStatuses: [{name: 'api', ready: true, state: {running: {}}}]}})
  })
})
