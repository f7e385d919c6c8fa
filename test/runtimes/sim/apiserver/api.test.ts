/**
 * The sim kube-apiserver's API over real HTTPS against a real etcd (mutual TLS), with kubeadm's flags
 * (Node,RBAC, anonymous auth on): authentication, RBAC from etcd, the REST verbs, Tables, the reviews, service-account
 * tokens, and what an attacker reads from etcd.
 */
import {readFile} from 'node:fs/promises'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {Etcd3} from 'etcd3'
import {mintLegacyServiceAccountToken} from '../../../../src/runtimes/sim/apiserver/service-account-tokens.js'
import {startEtcd, type RunningEtcd} from '../../../support/etcd.js'
import {
  call,
  freePorts,
  kubeadmArgs,
  STATIC_TOKEN,
  startSimApiserver,
  writeSimPki,
  type CallOptions,
  type SimApiserverProcess,
  type SimPki,
} from '../../../support/sim-apiserver.js'

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'
const NS = 'lab'

describe('sim kube-apiserver API (Node,RBAC, anonymous on)', () => {
  let pki: SimPki
  let etcd: RunningEtcd
  let etcdClient: Etcd3
  let apiserver: SimApiserverProcess
  let base: string

  const api = (path: string, options: CallOptions = {}) => call(`${base}${path}`, {ca: pki.caPem, ...options})
  const admin = (path: string, options: CallOptions = {}) => api(path, {identity: pki.admin, ...options})

  beforeAll(async () => {
    pki = await writeSimPki()
    etcd = await startEtcd({client: {certFile: pki.files.etcdServerCert, keyFile: pki.files.etcdServerKey, trustedCaFile: pki.files.etcdCa, clientCertAuth: true}})
    const [port] = await freePorts(1)
    base = `https://127.0.0.1:${port}`
    apiserver = await startSimApiserver(
      [...kubeadmArgs(pki, {securePort: port ?? 0, etcdUrl: etcd.clientUrl, etcdTls: true}), `--token-auth-file=${pki.files.tokenFile}`],
      {KUBELAB_K8S_VERSION: '1.30.2'},
    )
    etcdClient = new Etcd3({
      hosts: etcd.clientUrl,
      credentials: {
        rootCertificate: await readFile(pki.files.etcdCa),
        certChain: await readFile(pki.files.etcdClientCert),
        privateKey: await readFile(pki.files.etcdClientKey),
      },
    })
  })
  afterAll(async () => {
    etcdClient?.close()
    await apiserver?.stop()
    await etcd?.stop()
    await pki?.remove()
  })

  describe('anonymous requests', () => {
    it('are refused discovery with the real non-resource Forbidden', async () => {
      const answer = await api('/api')
      expect(answer.status).toBe(403)
      expect(answer.json).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'forbidden: User "system:anonymous" cannot get path "/api"',
        reason: 'Forbidden',
        details: {},
        code: 403,
      })
    })

    it('are refused resources with the real RBAC text', async () => {
      const list = await api('/api/v1/namespaces')
      expect(list.status).toBe(403)
      expect(list.json).toMatchObject({
        message: 'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope',
        reason: 'Forbidden',
        details: {kind: 'namespaces'},
      })
      const get = await api('/api/v1/namespaces/default/secrets/db')
      expect((get.json as {message: string}).message).toBe(
        'secrets "db" is forbidden: User "system:anonymous" cannot get resource "secrets" in API group "" in the namespace "default"',
      )
      const roles = await api('/apis/rbac.authorization.k8s.io/v1/clusterroles')
      expect((roles.json as {message: string}).message).toBe(
        'clusterroles.rbac.authorization.k8s.io is forbidden: User "system:anonymous" cannot list resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope',
      )
    })

    it('may read /version and the health checks (system:public-info-viewer)', async () => {
      expect((await api('/version')).status).toBe(200)
      const healthz = await api('/healthz')
      expect([healthz.status, healthz.text]).toEqual([200, 'ok'])
      const readyz = await api('/readyz?verbose')
      expect(readyz.text).toContain('[+]etcd ok')
      expect((await api('/debug/pprof/')).status).toBe(403)
    })
  })

  it('refuses a client certificate from an untrusted CA with 401 instead of treating it as anonymous', async () => {
    const answer = await api('/version', {identity: pki.stranger})
    expect(answer.status).toBe(401)
    expect(answer.json).toEqual({kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401})
    expect((await api('/version', {token: 'not-a-known-token'})).status).toBe(401)
  })

  it('serves discovery to an authenticated user', async () => {
    const core = await api('/api/v1', {identity: pki.jane})
    expect(core.status).toBe(200)
    const names = (core.json as {resources: Array<{name: string}>}).resources.map((resource) => resource.name)
    expect(names).toEqual(expect.arrayContaining(['namespaces', 'pods', 'secrets', 'serviceaccounts/token', 'nodes/status']))
    const groups = await api('/apis', {identity: pki.jane})
    expect((groups.json as {groups: Array<{name: string}>}).groups.map((group) => group.name)).toEqual(
      expect.arrayContaining(['rbac.authorization.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io']),
    )
  })

  describe('system:masters', () => {
    it('creates namespaces and secrets, and meets AlreadyExists, Conflict and NotFound', async () => {
      const created = await admin('/api/v1/namespaces', {method: 'POST', body: {apiVersion: 'v1', kind: 'Namespace', metadata: {name: NS}}})
      expect(created.status).toBe(201)
      expect(created.json).toMatchObject({metadata: {name: NS, uid: expect.any(String), creationTimestamp: expect.stringMatching(/Z$/)}, status: {phase: 'Active'}})
      const again = await admin('/api/v1/namespaces', {method: 'POST', body: {metadata: {name: NS}}})
      expect([again.status, (again.json as {reason: string}).reason, (again.json as {message: string}).message]).toEqual([
        409,
        'AlreadyExists',
        `namespaces "${NS}" already exists`,
      ])

      const secret = await admin(`/api/v1/namespaces/${NS}/secrets`, {
        method: 'POST',
        body: {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db'}, stringData: {password: 'hunter2'}},
      })
      expect(secret.status).toBe(201)
      const body = secret.json as {type: string; data: Record<string, string>; metadata: {resourceVersion: string}}
      expect(body.type).toBe('Opaque')
      expect(Buffer.from(body.data['password'] ?? '', 'base64').toString()).toBe('hunter2')

      const fresh = await admin(`/api/v1/namespaces/${NS}/secrets/db`, {
        method: 'PUT',
        body: {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', resourceVersion: body.metadata.resourceVersion}, data: {password: 'czNjcjN0'}},
      })
      expect(fresh.status).toBe(200)
      const stale = await admin(`/api/v1/namespaces/${NS}/secrets/db`, {
        method: 'PUT',
        body: {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', resourceVersion: body.metadata.resourceVersion}, data: {}},
      })
      expect(stale.status).toBe(409)
      expect((stale.json as {message: string}).message).toBe(
        'Operation cannot be fulfilled on secrets "db": the object has been modified; please apply your changes to the latest version and try again',
      )

      const patched = await admin(`/api/v1/namespaces/${NS}/secrets/db`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: {metadata: {labels: {tier: 'db'}}},
      })
      expect(patched.status).toBe(200)
      const selected = await admin(`/api/v1/secrets?labelSelector=tier%3Ddb`)
      expect((selected.json as {kind: string; items: Array<{metadata: {name: string; namespace: string}}>}).items.map((item) => `${item.metadata.namespace}/${item.metadata.name}`)).toEqual([
        `${NS}/db`,
      ])

      const missing = await admin(`/api/v1/namespaces/${NS}/secrets/nope`)
      expect([missing.status, (missing.json as {message: string}).message]).toEqual([404, 'secrets "nope" not found'])
      const nowhere = await admin('/api/v1/namespaces/no-such-ns/configmaps', {method: 'POST', body: {metadata: {name: 'x'}}})
      expect([nowhere.status, (nowhere.json as {message: string}).message]).toEqual([404, 'namespaces "no-such-ns" not found'])
      const badName = await admin(`/api/v1/namespaces/${NS}/configmaps`, {method: 'POST', body: {metadata: {name: 'Bad_Name'}}})
      expect([badName.status, (badName.json as {reason: string}).reason]).toEqual([422, 'Invalid'])
    })

    it('stores objects as JSON under the real etcd key layout, resourceVersion = mod revision', async () => {
      const response = await etcdClient.get(`/registry/secrets/${NS}/db`).exec()
      const kv = response.kvs[0]
      expect(kv).toBeDefined()
      const stored = JSON.parse(kv?.value.toString() ?? '{}') as {kind: string; data: Record<string, string>}
      expect(stored.kind).toBe('Secret')
      expect(Buffer.from(stored.data['password'] ?? '', 'base64').toString()).toBe('s3cr3t')
      const viaApi = (await admin(`/api/v1/namespaces/${NS}/secrets/db`)).json as {metadata: {resourceVersion: string}}
      expect(viaApi.metadata.resourceVersion).toBe(kv?.mod_revision)
      const keys = await etcdClient.getAll().prefix('/registry/').keys()
      expect(keys).toEqual(
        expect.arrayContaining([
          `/registry/namespaces/${NS}`,
          '/registry/services/specs/default/kubernetes',
          '/registry/services/endpoints/default/kubernetes',
          '/registry/clusterrolebindings/cluster-admin',
          '/registry/serviceaccounts/default/default',
        ]),
      )
    })

    it('answers Table requests with the real columns', async () => {
      const table = await admin(`/api/v1/namespaces/${NS}/secrets`, {accept: TABLE})
      const body = table.json as {kind: string; columnDefinitions: Array<{name: string}>; rows: Array<{cells: unknown[]; object: {kind: string}}>}
      expect(body.kind).toBe('Table')
      expect(body.columnDefinitions.map((column) => column.name)).toEqual(['Name', 'Type', 'Data', 'Age'])
      expect(body.rows[0]?.cells.slice(0, 3)).toEqual(['db', 'Opaque', 1])
      expect(body.rows[0]?.object.kind).toBe('PartialObjectMetadata')
    })

    it('streams watch events from etcd', async () => {
      const watching = admin(`/api/v1/namespaces/${NS}/configmaps?watch=true&timeoutSeconds=2`)
      await new Promise((resolve) => setTimeout(resolve, 300))
      await admin(`/api/v1/namespaces/${NS}/configmaps`, {method: 'POST', body: {metadata: {name: 'watched'}, data: {a: '1'}}})
      await admin(`/api/v1/namespaces/${NS}/configmaps/watched`, {method: 'DELETE'})
      const events = (await watching).text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as {type: string; object: {metadata: {name: string}}})
      expect(events.map((event) => `${event.type} ${event.object.metadata.name}`)).toEqual(['ADDED watched', 'DELETED watched'])
    })

    it('will not delete the default namespace', async () => {
      const answer = await admin('/api/v1/namespaces/default', {method: 'DELETE'})
      expect([answer.status, (answer.json as {message: string}).message]).toEqual([403, 'namespaces "default" is forbidden: this namespace may not be deleted'])
    })
  })

  describe('users and RBAC stored in etcd', () => {
    it('authenticates static tokens with their groups', async () => {
      const review = await api('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        method: 'POST',
        token: STATIC_TOKEN,
        body: {apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview'},
      })
      expect(review.status).toBe(201)
      expect((review.json as {status: unknown}).status).toEqual({userInfo: {username: 'token-user', uid: '1001', groups: ['dev', 'qa', 'system:authenticated']}})
    })

    it('honours a RoleBinding created through the API at once', async () => {
      const denied = await api(`/api/v1/namespaces/${NS}/pods`, {identity: pki.jane})
      expect((denied.json as {message: string}).message).toBe(
        `pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "${NS}"`,
      )
      const binding = await admin(`/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings`, {
        method: 'POST',
        body: {
          metadata: {name: 'jane-view'},
          roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view'},
          subjects: [{apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane'}],
        },
      })
      expect(binding.status).toBe(201)
      expect((await api(`/api/v1/namespaces/${NS}/pods`, {identity: pki.jane})).status).toBe(200)
      // view does not include secrets.
      expect((await api(`/api/v1/namespaces/${NS}/secrets`, {identity: pki.jane})).status).toBe(403)
    })

    it('answers SubjectAccessReview and SelfSubjectAccessReview from the same rules', async () => {
      const sar = await admin('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        method: 'POST',
        body: {apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: {user: 'jane', resourceAttributes: {namespace: NS, verb: 'list', resource: 'pods'}}},
      })
      expect((sar.json as {status: unknown}).status).toEqual({
        allowed: true,
        reason: `RBAC: allowed by RoleBinding "jane-view/${NS}" of ClusterRole "view" to User "jane"`,
      })
      const ssar = await api('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        method: 'POST',
        identity: pki.jane,
        body: {apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {resourceAttributes: {namespace: NS, verb: 'get', resource: 'secrets'}}},
      })
      expect(ssar.status).toBe(201)
      expect((ssar.json as {status: {allowed: boolean}}).status.allowed).toBe(false)
    })

    it('answers TokenReview for valid and invalid tokens', async () => {
      const good = await admin('/apis/authentication.k8s.io/v1/tokenreviews', {method: 'POST', body: {kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', spec: {token: STATIC_TOKEN}}})
      expect((good.json as {status: {authenticated: boolean; user: {username: string}}}).status).toMatchObject({authenticated: true, user: {username: 'token-user'}})
      const bad = await admin('/apis/authentication.k8s.io/v1/tokenreviews', {method: 'POST', body: {kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', spec: {token: 'nope'}}})
      expect((bad.json as {status: {authenticated?: boolean; error: string}}).status.authenticated).toBeUndefined()
      expect((bad.json as {status: {error: string}}).status.error).toContain('invalid bearer token')
    })
  })

  describe('service-account tokens', () => {
    let accountUid: string

    beforeAll(async () => {
      const account = await admin(`/api/v1/namespaces/${NS}/serviceaccounts`, {method: 'POST', body: {metadata: {name: 'reader'}}})
      accountUid = (account.json as {metadata: {uid: string}}).metadata.uid
    })

    it('accepts a minted legacy token while its Secret exists, and honours RBAC for it', async () => {
      const token = await mintLegacyServiceAccountToken({
        signingKey: pki.saKeyPem,
        namespace: NS,
        serviceAccountName: 'reader',
        serviceAccountUid: accountUid,
        secretName: 'reader-token',
      })
      const seeded = await admin(`/api/v1/namespaces/${NS}/secrets`, {
        method: 'POST',
        body: {
          metadata: {name: 'reader-token', annotations: {'kubernetes.io/service-account.name': 'reader', 'kubernetes.io/service-account.uid': accountUid}},
          type: 'kubernetes.io/service-account-token',
          data: {token: Buffer.from(token).toString('base64')},
        },
      })
      expect(seeded.status).toBe(201)
      const denied = await api(`/api/v1/namespaces/${NS}/secrets`, {token})
      expect((denied.json as {message: string}).message).toBe(
        `secrets is forbidden: User "system:serviceaccount:${NS}:reader" cannot list resource "secrets" in API group "" in the namespace "${NS}"`,
      )
      await admin(`/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/roles`, {
        method: 'POST',
        body: {metadata: {name: 'secret-reader'}, rules: [{apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list']}]},
      })
      await admin(`/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings`, {
        method: 'POST',
        body: {metadata: {name: 'reader'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-reader'}, subjects: [{kind: 'ServiceAccount', name: 'reader'}]},
      })
      const allowed = await api(`/api/v1/namespaces/${NS}/secrets`, {token})
      expect(allowed.status).toBe(200)
      expect((await admin(`/api/v1/namespaces/${NS}/secrets/reader-token`, {method: 'DELETE'})).status).toBe(200)
      expect((await api(`/api/v1/namespaces/${NS}/secrets`, {token})).status).toBe(401)
    })

    it('issues bound tokens through TokenRequest that authenticate as the service account', async () => {
      const request = await admin(`/api/v1/namespaces/${NS}/serviceaccounts/reader/token`, {
        method: 'POST',
        body: {apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {expirationSeconds: 600}},
      })
      expect(request.status).toBe(201)
      const token = (request.json as {status: {token: string}}).status.token
      const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>
      expect(payload).toMatchObject({iss: 'https://kubernetes.default.svc.cluster.local', sub: `system:serviceaccount:${NS}:reader`, aud: ['https://kubernetes.default.svc.cluster.local']})
      const review = await api('/apis/authentication.k8s.io/v1/selfsubjectreviews', {method: 'POST', token, body: {kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1'}})
      expect((review.json as {status: {userInfo: unknown}}).status.userInfo).toEqual({
        username: `system:serviceaccount:${NS}:reader`,
        uid: accountUid,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'],
      })
    })
  })

  it('lets a node read only the secrets its pods use (Node authorizer)', async () => {
    for (const name of ['app-secret', 'other-secret']) {
      await admin(`/api/v1/namespaces/${NS}/secrets`, {method: 'POST', body: {metadata: {name}, stringData: {k: 'v'}}})
    }
    const pod = await admin(`/api/v1/namespaces/${NS}/pods`, {
      method: 'POST',
      body: {
        metadata: {name: 'app'},
        spec: {nodeName: 'node-1', containers: [{name: 'app', image: 'nginx:1.27'}], volumes: [{name: 's', secret: {secretName: 'app-secret'}}]},
      },
    })
    expect(pod.status).toBe(201)
    expect((await api(`/api/v1/namespaces/${NS}/secrets/app-secret`, {identity: pki.node})).status).toBe(200)
    const other = await api(`/api/v1/namespaces/${NS}/secrets/other-secret`, {identity: pki.node})
    expect((other.json as {message: string}).message).toBe(
      `secrets "other-secret" is forbidden: User "system:node:node-1" cannot get resource "secrets" in API group "" in the namespace "${NS}": no relationship found between node 'node-1' and this object`,
    )
  })

  it('lets a node request tokens only for the service accounts of its pods (Node authorizer, authorizeCreateToken)', async () => {
    for (const name of ['default', 'runner', 'stranger']) {
      // 409: the namespace's default account may exist already.
      expect([201, 409]).toContain((await admin(`/api/v1/namespaces/${NS}/serviceaccounts`, {method: 'POST', body: {metadata: {name}}})).status)
    }
    const pod = (name: string, spec: Record<string, unknown>) =>
      admin(`/api/v1/namespaces/${NS}/pods`, {method: 'POST', body: {metadata: {name}, spec: {containers: [{name: 'app', image: 'nginx:1.27'}], ...spec}}})
    expect((await pod('uses-default', {nodeName: 'node-1'})).status).toBe(201)
    expect((await pod('uses-runner', {nodeName: 'node-1', serviceAccountName: 'runner'})).status).toBe(201)
    expect((await pod('elsewhere', {nodeName: 'node-2', serviceAccountName: 'stranger'})).status).toBe(201)
    const tokenRequest = (account: string) =>
      api(`/api/v1/namespaces/${NS}/serviceaccounts/${account}/token`, {
        identity: pki.node,
        method: 'POST',
        body: {apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {expirationSeconds: 600}},
      })

    for (const account of ['default', 'runner']) expect((await tokenRequest(account)).status).toBe(201)
    const refused = await tokenRequest('stranger')
    expect(refused.status).toBe(403)
    expect((refused.json as {message: string}).message).toBe(
      `serviceaccounts "stranger" is forbidden: User "system:node:node-1" cannot create resource "serviceaccounts/token" in API group "" in the namespace "${NS}": no relationship found between node 'node-1' and this object`,
    )
    for (const name of ['uses-default', 'uses-runner', 'elsewhere']) await admin(`/api/v1/namespaces/${NS}/pods/${name}`, {method: 'DELETE'})
  })

  it('lets anonymous users read secrets once cluster-admin is bound to system:unauthenticated', async () => {
    const binding = {
      metadata: {name: 'oops'},
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin'},
      subjects: [{apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:unauthenticated'}],
    }
    expect((await admin('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {method: 'POST', body: binding})).status).toBe(201)
    try {
      const secrets = await api('/api/v1/secrets')
      expect(secrets.status).toBe(200)
      expect((secrets.json as {items: Array<{metadata: {name: string}}>}).items.map((item) => item.metadata.name)).toContain('db')
    } finally {
      await admin('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/oops', {method: 'DELETE'})
    }
    expect((await api('/api/v1/secrets')).status).toBe(403)
  })

  it('checks but never stores a write with ?dryRun=All (kubectl --dry-run=server)', async () => {
    const secret = {metadata: {name: 'dry'}, stringData: {k: 'v'}}
    const created = await admin(`/api/v1/namespaces/${NS}/secrets?dryRun=All`, {method: 'POST', body: secret})
    expect(created.status).toBe(201)
    expect((created.json as {metadata: {name: string}}).metadata.name).toBe('dry')
    expect((await admin(`/api/v1/namespaces/${NS}/secrets/dry`)).status).toBe(404)

    const deleted = await admin(`/api/v1/namespaces/${NS}/secrets/db?dryRun=All`, {method: 'DELETE'})
    expect(deleted.status).toBe(200)
    expect((await admin(`/api/v1/namespaces/${NS}/secrets/db`)).status).toBe(200)

    const missing = await admin(`/api/v1/namespaces/${NS}/secrets/nothing-here?dryRun=All`, {method: 'DELETE'})
    expect(missing.status).toBe(404)
    const unsupported = await admin(`/api/v1/namespaces/${NS}/secrets?dryRun=Some`, {method: 'POST', body: secret})
    expect(unsupported.status).toBe(400)
    expect((unsupported.json as {message: string}).message).toBe('dryRun: Unsupported value: "Some": supported values: "All"')
  })

  it("refuses to change a binding's roleRef, as RBAC validation does", async () => {
    const binding = {
      metadata: {name: 'fixed-role'},
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view'},
      subjects: [{apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane'}],
    }
    const path = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings'
    expect((await admin(path, {method: 'POST', body: binding})).status).toBe(201)
    try {
      const changed = {...binding, roleRef: {...binding.roleRef, name: 'cluster-admin'}}
      const refused = await admin(`${path}/fixed-role`, {method: 'PUT', body: changed})
      expect(refused.status).toBe(422)
      expect((refused.json as {message: string}).message).toContain(
        'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"cluster-admin"}: cannot change roleRef',
      )
      const subjectsChanged = {...binding, subjects: [{apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'joe'}]}
      expect((await admin(`${path}/fixed-role`, {method: 'PUT', body: subjectsChanged})).status).toBe(200)
    } finally {
      await admin(`${path}/fixed-role`, {method: 'DELETE'})
    }
  })

  it('deletes a namespace with everything in it', async () => {
    const answer = await admin(`/api/v1/namespaces/${NS}`, {method: 'DELETE'})
    expect(answer.status).toBe(200)
    expect((answer.json as {status: {phase: string}}).status.phase).toBe('Terminating')
    expect((await admin(`/api/v1/namespaces/${NS}`)).status).toBe(404)
    const left = await etcdClient.getAll().prefix('/registry/').keys()
    expect(left.filter((key) => key.includes(`/${NS}/`) || key.endsWith(`/${NS}`))).toEqual([])
  })
})

describe('sim kube-apiserver with anonymous auth off, and with AlwaysAllow', () => {
  let pki: SimPki
  let etcd: RunningEtcd
  const running: SimApiserverProcess[] = []

  beforeAll(async () => {
    pki = await writeSimPki()
    etcd = await startEtcd()
  })
  afterAll(async () => {
    await Promise.all(running.map((apiserver) => apiserver.stop()))
    await etcd?.stop()
    await pki?.remove()
  })

  it('answers 401 to anonymous requests when --anonymous-auth=false', async () => {
    const [port] = await freePorts(1)
    const args = [...kubeadmArgs(pki, {securePort: port ?? 0, etcdUrl: etcd.clientUrl, etcdTls: false}), '--anonymous-auth=false', '--etcd-prefix=/off']
    running.push(await startSimApiserver(args))
    const answer = await call(`https://127.0.0.1:${port}/version`, {ca: pki.caPem})
    expect(answer.status).toBe(401)
    expect(answer.json).toMatchObject({message: 'Unauthorized', reason: 'Unauthorized', code: 401})
  })

  it('resets anonymous auth under AlwaysAllow, as the real apiserver does, and allows every authenticated user', async () => {
    const [port] = await freePorts(1)
    const args = kubeadmArgs(pki, {securePort: port ?? 0, etcdUrl: etcd.clientUrl, etcdTls: false})
      .map((arg) => (arg.startsWith('--authorization-mode=') ? '--authorization-mode=AlwaysAllow' : arg))
      .concat('--etcd-prefix=/allow')
    const apiserver = await startSimApiserver(args)
    running.push(apiserver)
    expect(apiserver.stderr()).toContain(
      'AnonymousAuth is not allowed with the AlwaysAllow authorizer. Resetting AnonymousAuth to false. You should use a different authorizer',
    )
    expect((await call(`https://127.0.0.1:${port}/api/v1/secrets`, {ca: pki.caPem})).status).toBe(401)
    const jane = await call(`https://127.0.0.1:${port}/api/v1/secrets`, {ca: pki.caPem, identity: pki.jane})
    expect(jane.status).toBe(200)
  })
})
