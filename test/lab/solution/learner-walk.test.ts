import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {execa} from 'execa'
import {downLab} from '../../../src/lab/down.js'
import {nodeExec} from '../../../src/lab/node-exec.js'
import type {Lab} from '../../../src/lab/registry.js'
import {restartComponent} from '../../../src/lab/restart.js'
import {applyStepSolution} from '../../../src/lab/solution/apply.js'
import {stepConfigDiff} from '../../../src/lab/solution/diff.js'
import {resetLab, resetStep} from '../../../src/lab/solution/reset.js'
import {staticPodsNotLive, waitUntilLive} from '../../../src/lab/solution/settle.js'
import {simNodeLayout} from '../../../src/runtimes/sim/node/layout.js'
import type {Scenario} from '../../../src/scenario/schema.js'
import {explain, walkHome, type WalkHome} from './walk-support.js'

/*
 * CI's second hardening of every scenario, done the way a learner or an admin does it, not with the
 * reference solution: `sed -i` through `kubelab node exec`, an editor-style rewrite of a file,
 * `kubectl` with the lab's kubeconfig, `kubelab restart kubelet`. The verdicts must be the same: the
 * checks judge the outcome, not the keystrokes. all-open also exercises reset and the diff.
 */
let walk: WalkHome
const durations: Record<string, number> = {}

beforeAll(async () => {
  walk = await walkHome()
}, 300_000)

afterAll(async () => {
  await walk?.close()
  process.stdout.write(`learner walk durations (ms): ${JSON.stringify(durations)}\n`)
}, 60_000)

const APISERVER = '/etc/kubernetes/manifests/kube-apiserver.yaml'
const ETCD = '/etc/kubernetes/manifests/etcd.yaml'
const KUBELET_CONFIG = '/var/lib/kubelet/config.yaml'
const KUBELET_FLAGS = '/var/lib/kubelet/kubeadm-flags.env'

/** `kubelab node exec -- sed -i … FILE`: node paths are translated into the node root. */
async function sed(lab: Lab, file: string, ...expressions: string[]): Promise<void> {
  const code = await nodeExec(lab, ['sed', '-i', ...expressions.flatMap((expression) => ['-e', expression]), file], {stdio: ['ignore', 'ignore', 'inherit']})
  expect(code).toBe(0)
}

/** What an editor does: read the whole file, change it, write it back. */
async function rewrite(lab: Lab, nodePath: string, change: (text: string) => string): Promise<void> {
  const file = path.join(simNodeLayout(lab.dir).nodeRoot, nodePath)
  const before = await readFile(file, 'utf8')
  const after = change(before)
  expect(after).not.toBe(before)
  await writeFile(file, after)
}

async function kubectl(lab: Lab, args: string[], input?: string): Promise<void> {
  const result = await execa('kubectl', args, {env: {...process.env, KUBECONFIG: lab.record.kubeconfig}, reject: false, timeout: 30_000, ...(input === undefined ? {} : {input})})
  if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`)
}

/** The learner waits until the static pods run what their manifests say (`kubelab status`), and the kubelet after a restart. */
async function settle(lab: Lab): Promise<void> {
  const pending = await staticPodsNotLive(lab)
  // etcd before the API server, which needs it.
  await waitUntilLive(lab, pending.sort((a, b) => Number(b === 'etcd') - Number(a === 'etcd')))
}

async function restartKubelet(lab: Lab): Promise<void> {
  await restartComponent(lab, 'kubelet', {simDir: walk.compiled.simDir})
  await waitUntilLive(lab, ['kubelet'])
}

const closeInsecurePort = (lab: Lab): Promise<void> => sed(lab, APISERVER, 's/--insecure-port=[0-9]*/--insecure-port=0/', '/--insecure-bind-address=/d')
const authorizeApi = (lab: Lab): Promise<void> => sed(lab, APISERVER, 's/--authorization-mode=AlwaysAllow/--authorization-mode=RBAC,Node/', 's/--anonymous-auth=true/--anonymous-auth=false/', '/--authorization-mode=/a\\    - --anonymous-auth=false')

/** etcd on TLS with client certificates: URLs to https, kubeadm's certificate flags added after the program name. */
async function etcdOverTls(lab: Lab): Promise<void> {
  const port = lab.record.ports.etcdClient
  await sed(
    lab,
    ETCD,
    `s#http://127.0.0.1:${port}#https://127.0.0.1:${port}#g`,
    '/--client-cert-auth=/d',
    '/^    - etcd$/a\\    - --cert-file=/etc/kubernetes/pki/etcd/server.crt\\n    - --key-file=/etc/kubernetes/pki/etcd/server.key\\n    - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt\\n    - --client-cert-auth=true',
  )
}

async function apiserverEtcdClient(lab: Lab): Promise<void> {
  await sed(
    lab,
    APISERVER,
    's#--etcd-servers=http://#--etcd-servers=https://#',
    '/^    - kube-apiserver$/a\\    - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt\\n    - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt\\n    - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key',
  )
}

async function ingressReadOnly(lab: Lab): Promise<void> {
  await kubectl(lab, ['delete', 'clusterrolebinding', 'ingress-nginx'])
  // An admin's manifest through `kubectl apply` (JSON on the wire): the sim API server has no discovery for
  // networking.k8s.io, which `kubectl create clusterrole --resource=ingresses…` asks, and does not decode the
  // protobuf bodies `kubectl create clusterrolebinding` sends.
  const manifest = [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRole',
    'metadata: {name: ingress-reader}',
    'rules:',
    '- {apiGroups: [""], resources: [services, endpoints, namespaces], verbs: [get, list, watch]}',
    '- {apiGroups: [networking.k8s.io], resources: [ingresses, ingressclasses], verbs: [get, list, watch]}',
    '---',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRoleBinding',
    'metadata: {name: ingress-reader}',
    'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ingress-reader}',
    'subjects:',
    '- {kind: ServiceAccount, name: ingress-nginx, namespace: ingress-nginx}',
  ].join('\n')
  await kubectl(lab, ['apply', '-f', '-'], manifest)
}

const readOnlyPortOff = (lab: Lab): Promise<void> => sed(lab, KUBELET_CONFIG, 's/^readOnlyPort: .*/readOnlyPort: 0/')

/** Per scenario, per step: the learner's own fix. Kubelet fixes end in `kubelab restart kubelet`. */
const LEARNER_FIXES: Record<string, Record<string, (lab: Lab) => Promise<void>>> = {
  'all-open': {
    'close-insecure-port': closeInsecurePort,
    'authorize-api-requests': (lab) => sed(lab, APISERVER, 's/--authorization-mode=AlwaysAllow/--authorization-mode=RBAC,Node/', 's/--anonymous-auth=true/--anonymous-auth=false/'),
    'lock-the-kubelet': async (lab) => {
      await rewrite(lab, KUBELET_CONFIG, (text) =>
        text.replace(/anonymous:\n(\s+)enabled: true/, 'anonymous:\n$1enabled: false').replace('mode: AlwaysAllow', 'mode: Webhook').replace(/^readOnlyPort: \d+$/m, 'readOnlyPort: 0'),
      )
      await restartKubelet(lab)
    },
    'encrypt-etcd': async (lab) => {
      await etcdOverTls(lab)
      await settle(lab)
      await apiserverEtcdClient(lab)
    },
    'least-privilege-ingress': ingressReadOnly,
  },
  'anonymous-api': {
    // Only the binding: the role alone grants nothing.
    'remove-anonymous-grant': (lab) => kubectl(lab, ['delete', 'clusterrolebinding', 'anonymous-read-everything']),
    'disable-anonymous-auth': (lab) => sed(lab, APISERVER, 's/--anonymous-auth=true/--anonymous-auth=false/'),
  },
  'attack-surface': {
    'close-read-only-port': async (lab) => {
      await readOnlyPortOff(lab)
      await restartKubelet(lab)
    },
    'disable-profiling': (lab) => sed(lab, APISERVER, 's/--profiling=true/--profiling=false/'),
  },
  'etcd-no-client-auth': {
    'require-etcd-client-certificates': (lab) =>
      sed(lab, ETCD, 's/--client-cert-auth=false/--client-cert-auth=true/', '/--client-cert-auth=true/a\\    - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt'),
  },
  'etcd-plaintext': {
    'serve-etcd-over-tls': etcdOverTls,
    'apiserver-etcd-client-certificate': apiserverEtcdClient,
  },
  'insecure-port': {
    'close-insecure-port': closeInsecurePort,
    'authorize-api-requests': authorizeApi,
  },
  'kubelet-anonymous': {
    'require-kubelet-authentication': async (lab) => {
      await sed(lab, KUBELET_FLAGS, 's/ *--anonymous-auth=true//')
      await restartKubelet(lab)
    },
    'trust-the-cluster-ca': async (lab) => {
      await rewrite(lab, KUBELET_CONFIG, (text) => text.replace(/( +)x509: \{\}\n/, '$1x509:\n$1  clientCAFile: /etc/kubernetes/pki/ca.crt\n'))
      await restartKubelet(lab)
    },
    'authorize-kubelet-requests': async (lab) => {
      await sed(lab, KUBELET_FLAGS, 's/ *--authorization-mode=AlwaysAllow//')
      await restartKubelet(lab)
    },
  },
  'kubelet-read-only': {
    'close-read-only-port': async (lab) => {
      await readOnlyPortOff(lab)
      // Fixed in the file only: the running kubelet still serves the port, and the verdict says why.
      const [pending] = await walk.audit(lab, ['kubelet-read-only-port'])
      expect(pending?.status).toBe('fail')
      expect(pending?.disagreement).toMatch(/Fixed in the configuration, still open on the wire: the component has not restarted/)
      await restartKubelet(lab)
    },
  },
  'least-privilege': {
    'least-privilege-ingress': ingressReadOnly,
  },
}

async function expectStep(lab: Lab, scenario: Scenario, stepId: string, verdict: 'passes' | 'fails'): Promise<void> {
  const step = scenario.steps.find((candidate) => candidate.id === stepId)
  if (!step) throw new Error(`no step ${stepId}`)
  const results = await walk.audit(lab, step.checks)
  const passes = results.every((result) => result.status === 'pass')
  if (passes !== (verdict === 'passes')) throw new Error(`expected ${stepId} to ${verdict.slice(0, -1)}:\n${explain(results)}`)
}

describe('every scenario, hardened a second way', () => {
  it.each(Object.keys(LEARNER_FIXES).sort())('%s: sed, kubectl and restarts reach the same verdicts', async (id) => {
    const started = Date.now()
    const {lab, scenario} = await walk.up(id, `learn-${id}`.slice(0, 40))
    try {
      const fixes = LEARNER_FIXES[id] ?? {}
      expect(Object.keys(fixes).sort()).toEqual(scenario.steps.map((step) => step.id).sort())
      for (const step of scenario.steps) {
        await (fixes[step.id] as (lab: Lab) => Promise<void>)(lab)
        await settle(lab)
        await expectStep(lab, scenario, step.id, 'passes')
      }
      for (const step of scenario.steps) await expectStep(lab, scenario, step.id, 'passes')

      if (id === 'all-open') {
        // The whole baseline back: every step open again.
        const reset = await resetLab(lab, scenario, {simDir: walk.compiled.simDir})
        expect(reset.changes.length).toBeGreaterThan(0)
        expect(reset.changes).toEqual(expect.arrayContaining(['created ClusterRoleBinding ingress-nginx']))
        for (const step of scenario.steps) await expectStep(lab, scenario, step.id, 'fails')

        // Steps 1 and 2 hardened by the reference solution; resetting step 1 reopens it and keeps step 2.
        await applyStepSolution(lab, scenario, 'close-insecure-port', {simDir: walk.compiled.simDir})
        await applyStepSolution(lab, scenario, 'authorize-api-requests', {simDir: walk.compiled.simDir})
        const [diff] = await stepConfigDiff(lab, scenario, 'close-insecure-port')
        expect(diff?.title).toBe(APISERVER)
        expect(diff?.unified).toContain(`-    - --insecure-port=${lab.record.ports.apiserverInsecure}\n`)
        expect(diff?.unified).toContain('+    - --insecure-port=0\n')
        expect(diff?.unified).toContain('-    - --insecure-bind-address=127.0.0.1\n')
        const outcome = await resetStep(lab, scenario, 'close-insecure-port', {simDir: walk.compiled.simDir})
        expect(outcome.changes).toHaveLength(1)
        await expectStep(lab, scenario, 'close-insecure-port', 'fails')
        await expectStep(lab, scenario, 'authorize-api-requests', 'passes')
        expect((await readFile(path.join(simNodeLayout(lab.dir).nodeRoot, APISERVER), 'utf8'))).toContain('--authorization-mode=Node,RBAC')

        // An RBAC step: solved, its diff shows the binding's new role, reset brings cluster-admin back.
        await applyStepSolution(lab, scenario, 'least-privilege-ingress', {simDir: walk.compiled.simDir})
        const rbacDiff = await stepConfigDiff(lab, scenario, 'least-privilege-ingress')
        expect(rbacDiff.map((entry) => entry.title)).toEqual(['ClusterRoleBinding ingress-nginx', 'ClusterRole ingress-nginx'])
        expect(rbacDiff[0]?.unified).toContain('-  name: cluster-admin\n')
        await resetStep(lab, scenario, 'least-privilege-ingress', {simDir: walk.compiled.simDir})
        await expectStep(lab, scenario, 'least-privilege-ingress', 'fails')
      }
    } finally {
      await downLab(lab.name, {home: walk.home, env: walk.env})
      durations[id] = Date.now() - started
    }
  }, 180_000)
})
