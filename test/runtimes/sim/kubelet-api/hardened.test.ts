/**
 * Issue 4's acceptance, hardened side (kubeadm's settings: anonymous off, Webhook authentication and authorization,
 * client CA set, read-only port 0), and the authenticator's union semantics with anonymous on: credentials that do
 * not check out are 401, never anonymous. Authorization goes to the sim apiserver as SubjectAccessReviews, so RBAC
 * decides and the 403 names the user, verb and subresource the kubelet derived from the request.
 */
import net from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import type {RunningKubeletApi} from '../../../../src/runtimes/sim/kubelet/api/kubelet-api.js'
import type {TempNodeRoot} from '../../../support/node-roots.js'
import {call, type CallOptions} from '../../../support/sim-apiserver.js'
import {collectingLog, configYaml, kubeletPorts, NODE_NAME, simNodeRoot, startKubelet, startSimCluster, type CollectedLog, type SimCluster} from './sim-node.js'

let cluster: SimCluster
const nodes: TempNodeRoot[] = []
const kubelets: RunningKubeletApi[] = []

/** A bound token for default/default, from the TokenRequest API: a service account with no RBAC grants. */
let serviceAccountToken: string

async function kubeletWith(settings: {anonymousAuth: boolean; authorizationMode: 'AlwaysAllow' | 'Webhook'; clientCa: boolean}, log?: CollectedLog): Promise<{kubelet: RunningKubeletApi; url: string; readOnlyPortNumber: number}> {
  const ports = await kubeletPorts()
  const node = await simNodeRoot(cluster, configYaml(cluster, {...settings, readOnlyPort: false, ...ports}))
  nodes.push(node)
  const kubelet = await startKubelet(node, log ? {log} : {})
  kubelets.push(kubelet)
  return {kubelet, url: `https://127.0.0.1:${kubelet.ports.secure}`, readOnlyPortNumber: ports.readOnlyPortNumber}
}

beforeAll(async () => {
  cluster = await startSimCluster()
  const requested = await cluster.admin('/api/v1/namespaces/default/serviceaccounts/default/token', {method: 'POST', body: {apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {expirationSeconds: 3600}}})
  expect(requested.status).toBe(201)
  serviceAccountToken = (requested.json as {status: {token: string}}).status.token
}, 60_000)

afterAll(async () => {
  for (const kubelet of kubelets) await kubelet.stop()
  for (const node of nodes) await node.remove()
  await cluster?.stop()
})

describe('a hardened kubelet (anonymous off, Webhook, client CA, no read-only port)', () => {
  let url: string
  let readOnlyPortNumber: number
  let kubelet: RunningKubeletApi
  const get = (path: string, options: CallOptions = {}) => call(`${url}${path}`, options)

  beforeAll(async () => {
    ;({kubelet, url, readOnlyPortNumber} = await kubeletWith({anonymousAuth: false, authorizationMode: 'Webhook', clientCa: true}))
  })

  it('answers a request without credentials with 401 Unauthorized', async () => {
    expect(await get('/pods')).toMatchObject({status: 401, text: 'Unauthorized'})
  })

  it('authenticates before routing: an unknown path is 401 too', async () => {
    expect(await get('/no-such-path')).toMatchObject({status: 401, text: 'Unauthorized'})
  })

  it('opens no read-only port', async () => {
    expect(kubelet.ports.readOnly).toBeUndefined()
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(readOnlyPortNumber, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(false)
      })
      socket.once('error', () => resolve(true))
    })
    expect(refused).toBe(true)
  })

  it('serves the cluster admin\'s client certificate (RBAC allows nodes/proxy)', async () => {
    const answer = await get('/pods', {identity: cluster.pki.admin})
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({kind: 'PodList', apiVersion: 'v1'})
  })

  it('refuses a service-account token without node permissions with the real 403 text', async () => {
    const answer = await get('/pods', {token: serviceAccountToken})
    expect(answer).toMatchObject({status: 403, text: 'Forbidden (user=system:serviceaccount:default:default, verb=get, resource=nodes, subresource=proxy)'})
  })

  it('derives the subresource from the path and the verb from the method', async () => {
    const jane = {identity: cluster.pki.jane}
    expect((await get('/stats/summary', jane)).text).toBe('Forbidden (user=jane, verb=get, resource=nodes, subresource=stats)')
    expect((await get('/metrics', jane)).text).toBe('Forbidden (user=jane, verb=get, resource=nodes, subresource=metrics)')
    expect((await get('/metrics/cadvisor', jane)).text).toBe('Forbidden (user=jane, verb=get, resource=nodes, subresource=metrics)')
    expect((await get('/logs/', jane)).text).toBe('Forbidden (user=jane, verb=get, resource=nodes, subresource=log)')
    expect((await get('/run/default/x/y', {...jane, method: 'POST'})).text).toBe('Forbidden (user=jane, verb=create, resource=nodes, subresource=proxy)')
  })

  it('does not let the node\'s own identity in: the Node authorizer grants no nodes/proxy', async () => {
    expect((await get('/pods', {identity: cluster.pki.node})).text).toBe(`Forbidden (user=system:node:${NODE_NAME}, verb=get, resource=nodes, subresource=proxy)`)
  })

  it('refuses a client certificate from another CA with 401', async () => {
    expect(await get('/pods', {identity: cluster.pki.stranger})).toMatchObject({status: 401, text: 'Unauthorized'})
  })

  it('serves /healthz and /configz to the admin, the effective configuration under "kubeletconfig"', async () => {
    expect(await get('/healthz', {identity: cluster.pki.admin})).toMatchObject({status: 200, text: 'ok'})
    const configz = await get('/configz', {identity: cluster.pki.admin})
    expect(configz.status).toBe(200)
    expect(configz.json).toMatchObject({
      kubeletconfig: {
        kind: 'KubeletConfiguration',
        apiVersion: 'kubelet.config.k8s.io/v1beta1',
        // kubeadm writes 0s; the v1beta1 defaulting turns zero into the defaults.
        authentication: {anonymous: {enabled: false}, webhook: {enabled: true, cacheTTL: '2m0s'}, x509: {clientCAFile: '/etc/kubernetes/pki/ca.crt'}},
        authorization: {mode: 'Webhook', webhook: {cacheAuthorizedTTL: '5m0s', cacheUnauthorizedTTL: '30s'}},
        readOnlyPort: 0,
        staticPodPath: '/etc/kubernetes/manifests',
      },
    })
  })
})

describe('anonymous on, Webhook: an authenticator\'s error is 401, not anonymous (union.NewFailOnError)', () => {
  let url: string
  const get = (path: string, options: CallOptions = {}) => call(`${url}${path}`, options)

  beforeAll(async () => {
    ;({url} = await kubeletWith({anonymousAuth: true, authorizationMode: 'Webhook', clientCa: true}))
  })

  it('lets a request without credentials in as system:anonymous, and RBAC refuses it', async () => {
    expect(await get('/pods')).toMatchObject({status: 403, text: 'Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)'})
  })

  it('refuses a certificate that does not verify with 401', async () => {
    expect(await get('/pods', {identity: cluster.pki.stranger})).toMatchObject({status: 401, text: 'Unauthorized'})
  })

  it('refuses a token the API server rejects with 401', async () => {
    expect(await get('/pods', {token: 'not-a-real-token'})).toMatchObject({status: 401, text: 'Unauthorized'})
  })

  it('accepts a good token even next to a certificate that does not verify (union.New tries them all)', async () => {
    const requested = await cluster.admin('/api/v1/namespaces/kube-system/serviceaccounts/default/token', {method: 'POST', body: {apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {}}})
    const token = (requested.json as {status: {token: string}}).status.token
    expect((await get('/pods', {identity: cluster.pki.stranger, token})).text).toBe('Forbidden (user=system:serviceaccount:kube-system:default, verb=get, resource=nodes, subresource=proxy)')
  })
})

describe('anonymous on, Webhook, no client CA', () => {
  it('never asks for a client certificate, so even the admin\'s is ignored and the request is anonymous', async () => {
    const {url} = await kubeletWith({anonymousAuth: true, authorizationMode: 'Webhook', clientCa: false})
    const answer = await call(`${url}/runningpods/`, {identity: cluster.pki.admin})
    expect(answer).toMatchObject({status: 403, text: 'Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)'})
  })
})

describe('the service-account token the kubelet mounts itself (automountServiceAccountToken not false)', () => {
  const pod = (name: string) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name}, spec: {nodeName: NODE_NAME, containers: [{name: 'app', image: 'nginx:1.27'}]}})

  it('keeps the pod ContainerCreating, with a FailedMount event relaying the API server, when the token cannot be had', async () => {
    const log = collectingLog()
    const {kubelet, url} = await kubeletWith({anonymousAuth: true, authorizationMode: 'AlwaysAllow', clientCa: false}, log)
    const account = {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'short-lived'}}
    expect((await cluster.admin('/api/v1/namespaces/default/serviceaccounts', {method: 'POST', body: account})).status).toBe(201)
    const body = {...pod('no-token'), spec: {...pod('no-token').spec, serviceAccountName: 'short-lived'}}
    expect((await cluster.admin('/api/v1/namespaces/default/pods', {method: 'POST', body})).status).toBe(201)
    expect((await cluster.admin('/api/v1/namespaces/default/serviceaccounts/short-lived', {method: 'DELETE'})).status).toBe(200)
    await kubelet.sync()

    const status = (await cluster.admin('/api/v1/namespaces/default/pods/no-token')).json as {status: {phase: string; containerStatuses: Array<{state: {waiting?: {reason: string}}}>}}
    expect(status.status.phase).toBe('Pending')
    expect(status.status.containerStatuses[0]?.state.waiting?.reason).toBe('ContainerCreating')
    // The Node authorizer lets the node ask (its pod names the account); the API server answers 404 for the deleted
    // account, and the kubelet relays its words.
    expect(log.lines.join('\n')).toMatch(
      /reason="FailedMount" message="MountVolume.SetUp failed for volume \\"kube-api-access-[0-9a-f]{5}\\" : failed to fetch token: serviceaccounts \\"short-lived\\" not found"/,
    )
    expect(await call(`${url}/run/default/no-token/app?cmd=id`, {method: 'POST'})).toMatchObject({status: 500, text: 'container not found ("app")'})
    await cluster.admin('/api/v1/namespaces/default/pods/no-token', {method: 'DELETE'})
  })

  it('mounts a bound token, ca.crt and namespace, requested as the node (the Node authorizer allows its pods\' accounts)', async () => {
    const {kubelet, url} = await kubeletWith({anonymousAuth: true, authorizationMode: 'AlwaysAllow', clientCa: false})
    expect((await cluster.admin('/api/v1/namespaces/default/pods', {method: 'POST', body: pod('with-token')})).status).toBe(201)
    await kubelet.sync()

    const run = (cmd: string) => call(`${url}/run/default/with-token/app`, {method: 'POST', body: `cmd=${encodeURIComponent(cmd)}`, contentType: 'application/x-www-form-urlencoded'})
    expect((await run('ls /var/run/secrets/kubernetes.io/serviceaccount')).text).toBe('ca.crt\nnamespace\ntoken\n')
    expect((await run('ls -a /var/run/secrets/kubernetes.io/serviceaccount')).text).toMatch(/^\.\n\.\.\n\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d{9}\n\.\.data\nca\.crt\nnamespace\ntoken\n$/)
    expect((await run('cat /var/run/secrets/kubernetes.io/serviceaccount/namespace')).text).toBe('default')
    expect((await run('cat /var/run/secrets/kubernetes.io/serviceaccount/ca.crt')).text).toBe(cluster.pki.caPem)
    const token = (await run('cat /var/run/secrets/kubernetes.io/serviceaccount/token')).text
    const review = await cluster.admin('/apis/authentication.k8s.io/v1/tokenreviews', {method: 'POST', body: {apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {token}}})
    expect(review.json).toMatchObject({status: {authenticated: true, user: {username: 'system:serviceaccount:default:default'}}})
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {exp: number; iat: number; 'kubernetes.io': {pod?: {name: string}}}
    expect(claims['kubernetes.io'].pod?.name).toBe('with-token')
    expect(claims.exp - claims.iat).toBe(3607)
  })
})
