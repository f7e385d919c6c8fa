/**
 * The sim kube-apiserver driven by the real kubectl, when one is installed (skipped otherwise): discovery, Tables,
 * create/delete, `auth can-i`, and the 1.19 insecure port without credentials.
 */
import {execFile, execFileSync} from 'node:child_process'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {startEtcd, type RunningEtcd} from '../../../support/etcd.js'
import {call, freePorts, kubeadmArgs, startSimApiserver, writeSimPki, type ClientIdentity, type SimApiserverProcess, type SimPki} from '../../../support/sim-apiserver.js'

function kubectlWorks(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], {stdio: 'ignore', timeout: 10_000})
    return true
  } catch {
    return false
  }
}

const haveKubectl = kubectlWorks()
if (!haveKubectl) console.warn('kubectl is not installed or does not run: skipping the kubectl tests of the sim apiserver')
const describeWithKubectl = haveKubectl ? describe : describe.skip

interface KubectlResult {
  code: number
  stdout: string
  stderr: string
}

function kubectl(args: string[], kubeconfig?: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile('kubectl', kubeconfig ? ['--kubeconfig', kubeconfig, ...args] : args, {timeout: 20_000, env: {...process.env, KUBECONFIG: ''}}, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({code, stdout, stderr})
    })
  })
}

async function writeKubeconfig(pki: SimPki, port: number, name: string, identity: ClientIdentity): Promise<string> {
  const certFile = path.join(pki.dir, `${name}.crt`)
  const keyFile = path.join(pki.dir, `${name}.key`)
  await writeFile(certFile, identity.certPem)
  await writeFile(keyFile, identity.keyPem, {mode: 0o600})
  const file = path.join(pki.dir, `${name}.kubeconfig`)
  await writeFile(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- cluster: {certificate-authority: ${pki.files.ca}, server: "https://127.0.0.1:${port}"}`,
      '  name: sim',
      'users:',
      `- name: ${name}`,
      `  user: {client-certificate: ${certFile}, client-key: ${keyFile}}`,
      'contexts:',
      `- context: {cluster: sim, user: ${name}}`,
      '  name: sim',
      'current-context: sim',
      '',
    ].join('\n'),
  )
  return file
}

describeWithKubectl('real kubectl against the sim kube-apiserver', () => {
  let pki: SimPki
  let etcd: RunningEtcd
  let apiserver: SimApiserverProcess
  let legacy: SimApiserverProcess
  let adminConfig: string
  let janeConfig: string
  let insecurePort: number

  beforeAll(async () => {
    pki = await writeSimPki()
    etcd = await startEtcd()
    const [port = 0, legacyPort = 0, legacyInsecure = 0] = await freePorts(3)
    insecurePort = legacyInsecure
    ;[apiserver, legacy] = await Promise.all([
      startSimApiserver([...kubeadmArgs(pki, {securePort: port, etcdUrl: etcd.clientUrl, etcdTls: false}), '--etcd-prefix=/modern'], {KUBELAB_K8S_VERSION: '1.30.2'}),
      startSimApiserver(
        [...kubeadmArgs(pki, {securePort: legacyPort, etcdUrl: etcd.clientUrl, etcdTls: false}), `--insecure-port=${legacyInsecure}`, '--etcd-prefix=/legacy'],
        {KUBELAB_K8S_VERSION: '1.19.16'},
        'Serving insecurely on',
      ),
    ])
    adminConfig = await writeKubeconfig(pki, port, 'admin', pki.admin)
    janeConfig = await writeKubeconfig(pki, port, 'jane', pki.jane)
  })
  afterAll(async () => {
    await Promise.all([apiserver?.stop(), legacy?.stop()])
    await etcd?.stop()
    await pki?.remove()
  })

  it('lists the system namespaces as a table', async () => {
    const result = await kubectl(['get', 'namespaces'], adminConfig)
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/^NAME +STATUS +AGE\n/)
    expect(result.stdout).toMatch(/^kube-system +Active +\d+s$/m)
  })

  it('creates and deletes a namespace and a secret', async () => {
    expect((await kubectl(['create', 'namespace', 'team'], adminConfig)).stdout).toBe('namespace/team created\n')
    expect((await kubectl(['-n', 'team', 'create', 'secret', 'generic', 'db', '--from-literal=password=hunter2'], adminConfig)).stdout).toBe(
      'secret/db created\n',
    )
    const secrets = await kubectl(['get', 'secrets', '-A'], adminConfig)
    expect(secrets.stdout).toMatch(/^NAMESPACE +NAME +TYPE +DATA +AGE\nteam +db +Opaque +1 +\d+s\n$/)
    const value = await kubectl(['-n', 'team', 'get', 'secret', 'db', '-o', 'jsonpath={.data.password}'], adminConfig)
    expect(Buffer.from(value.stdout, 'base64').toString()).toBe('hunter2')
    expect((await kubectl(['-n', 'team', 'delete', 'secret', 'db'], adminConfig)).stdout).toBe('secret "db" deleted\n')
    expect((await kubectl(['delete', 'namespace', 'team'], adminConfig)).stdout).toBe('namespace "team" deleted\n')
    const gone = await kubectl(['get', 'namespace', 'team'], adminConfig)
    expect(gone.code).not.toBe(0)
    expect(gone.stderr).toContain('Error from server (NotFound): namespaces "team" not found')
  })

  it('answers kubectl auth can-i from RBAC', async () => {
    expect((await kubectl(['auth', 'can-i', 'list', 'secrets', '-A'], adminConfig)).stdout.trim()).toBe('yes')
    const jane = await kubectl(['auth', 'can-i', 'list', 'secrets'], janeConfig)
    expect([jane.code, jane.stdout.trim()]).toEqual([1, 'no'])
    const forbidden = await kubectl(['get', 'secrets'], janeConfig)
    expect(forbidden.stderr).toContain(
      'Error from server (Forbidden): secrets is forbidden: User "jane" cannot list resource "secrets" in API group "" in the namespace "default"',
    )
  })

  it('reads every secret through the 1.19 insecure port without credentials', async () => {
    const server = `http://127.0.0.1:${insecurePort}`
    // The kubectl that gcloud's dispatcher picks for a 1.19 server sends protobuf bodies, which the sim cannot
    // decode (415), so the secret is written as JSON.
    const seeded = await call(`${server}/api/v1/namespaces/kube-system/secrets`, {method: 'POST', body: {metadata: {name: 'ca-key'}, stringData: {key: 'x'}}})
    expect(seeded.status).toBe(201)
    const result = await kubectl(['-s', server, 'get', 'secrets', '-A'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^kube-system +ca-key +Opaque +1 +\d+s$/m)
    const namespaces = await kubectl(['-s', `http://127.0.0.1:${insecurePort}`, 'get', 'namespaces', '-o', 'name'])
    expect(namespaces.stdout.split('\n')).toEqual(expect.arrayContaining(['namespace/default', 'namespace/kube-system']))
  })
})
