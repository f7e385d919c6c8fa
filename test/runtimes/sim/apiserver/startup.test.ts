/**
 * The simulated kube-apiserver as a process: start-up with kubeadm's flags against a real etcd over mutual TLS,
 * and the failures the real binary shows for bad command lines, missing files and an unreachable etcd.
 */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {startEtcd, type RunningEtcd} from '../../../support/etcd.js'
import {call, freePorts, kubeadmArgs, runSimApiserverToExit, startSimApiserver, writeSimPki, type SimPki} from '../../../support/sim-apiserver.js'

describe('sim kube-apiserver start-up', () => {
  let pki: SimPki
  let etcd: RunningEtcd
  let plainEtcd: RunningEtcd

  beforeAll(async () => {
    pki = await writeSimPki()
    ;[etcd, plainEtcd] = await Promise.all([
      startEtcd({client: {certFile: pki.files.etcdServerCert, keyFile: pki.files.etcdServerKey, trustedCaFile: pki.files.etcdCa, clientCertAuth: true}}),
      startEtcd(),
    ])
  })
  afterAll(async () => {
    await Promise.all([etcd?.stop(), plainEtcd?.stop()])
    await pki?.remove()
  })

  it('starts with a kubeadm manifest command line over etcd mutual TLS and serves within a second of etcd', async () => {
    const [port] = await freePorts(1)
    const started = Date.now()
    const apiserver = await startSimApiserver(kubeadmArgs(pki, {securePort: port ?? 0, etcdUrl: etcd.clientUrl, etcdTls: true}), {
      KUBELAB_K8S_VERSION: '1.30.2',
    })
    const elapsed = Date.now() - started
    try {
      expect(apiserver.stderr()).toMatch(/^I\d{4} \d{2}:\d{2}:\d{2}\.\d{6} +\d+ secure_serving\.go:210\] Serving securely on 127\.0\.0\.1:\d+$/m)
      expect(apiserver.stderr()).toMatch(/server\.go:163\] Version: v1\.30\.2/)
      const version = await call(`https://127.0.0.1:${port}/version`, {ca: pki.caPem})
      expect(version.status).toBe(200)
      expect(version.json).toMatchObject({major: '1', minor: '30', gitVersion: 'v1.30.2'})
      // Includes node start-up and the swc loader; the built JS is faster.
      expect(elapsed).toBeLessThan(4000)
    } finally {
      await apiserver.stop()
    }
  })

  it('answers plain HTTP on the secure port as Go does', async () => {
    const [port] = await freePorts(1)
    const apiserver = await startSimApiserver(kubeadmArgs(pki, {securePort: port ?? 0, etcdUrl: plainEtcd.clientUrl, etcdTls: false}))
    try {
      const answer = await call(`http://127.0.0.1:${port}/api`)
      expect(answer.status).toBe(400)
      expect(answer.text).toBe('Client sent an HTTP request to an HTTPS server.\n')
    } finally {
      await apiserver.stop()
    }
  })

  it('exits 1 with cobra\'s "Error: unknown flag" for a flag it does not know', async () => {
    const result = await runSimApiserverToExit(['--etcd-servers=http://127.0.0.1:1', '--no-such-flag=1'], {KUBELAB_K8S_VERSION: '1.30.0'})
    expect(result.code).toBe(1)
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('Error: unknown flag: --no-such-flag')
    expect(result.stderr).toContain('Usage:\n  kube-apiserver [flags]')
  })

  it('serves the whole API without credentials on the 1.19 insecure port', async () => {
    const [securePort, insecurePort] = await freePorts(2)
    const args = [
      ...kubeadmArgs(pki, {securePort: securePort ?? 0, etcdUrl: plainEtcd.clientUrl, etcdTls: false}),
      `--insecure-port=${insecurePort}`,
      '--insecure-bind-address=127.0.0.1',
      '--etcd-prefix=/insecure-119',
    ]
    const apiserver = await startSimApiserver(args, {KUBELAB_K8S_VERSION: '1.19.16'}, 'Serving insecurely on')
    try {
      expect(apiserver.stderr()).toContain('Flag --insecure-port has been deprecated, This flag will be removed in a future version.')
      expect(apiserver.stderr()).toMatch(/deprecated_insecure_serving\.go:53\] Serving insecurely on 127\.0\.0\.1:\d+/)
      const api = await call(`http://127.0.0.1:${insecurePort}/api`)
      expect(api.status).toBe(200)
      expect(api.json).toMatchObject({kind: 'APIVersions', versions: ['v1']})
      const secrets = await call(`http://127.0.0.1:${insecurePort}/api/v1/secrets`)
      expect(secrets.status).toBe(200)
      expect(secrets.json).toMatchObject({kind: 'SecretList'})
      const whoami = await call(`http://127.0.0.1:${insecurePort}/apis/authorization.k8s.io/v1/selfsubjectrulesreviews`, {
        method: 'POST',
        body: {kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', spec: {namespace: 'default'}},
      })
      expect(whoami.status).toBe(201)
      // The secure port still demands credentials.
      const secure = await call(`https://127.0.0.1:${securePort}/api/v1/secrets`, {ca: pki.caPem})
      expect(secure.status).toBe(403)
    } finally {
      await apiserver.stop()
    }
  })

  it('rejects a non-zero insecure port from 1.20 with the real error, and 1.24 does not know the flag', async () => {
    const args = [...kubeadmArgs(pki, {securePort: 1, etcdUrl: plainEtcd.clientUrl, etcdTls: false}), '--insecure-port=8080']
    const v120 = await runSimApiserverToExit(args, {KUBELAB_K8S_VERSION: '1.20.15'})
    expect(v120.code).toBe(1)
    expect(v120.stderr).toContain('Flag --insecure-port has been deprecated, This flag has no effect now and will be removed in v1.24.')
    expect(v120.stderr).toContain('Error: invalid port value 8080: only zero is allowed')
    const v124 = await runSimApiserverToExit(args, {KUBELAB_K8S_VERSION: '1.24.17'})
    expect(v124.code).toBe(1)
    expect(v124.stderr).toContain('Error: unknown flag: --insecure-port')
  })

  it('fails on an invalid authorization mode, and on a missing certificate naming the path', async () => {
    const base = kubeadmArgs(pki, {securePort: 1, etcdUrl: plainEtcd.clientUrl, etcdTls: false})
    const badMode = await runSimApiserverToExit([...base, '--authorization-mode=Foo'], {KUBELAB_K8S_VERSION: '1.30.0'})
    expect(badMode.code).toBe(1)
    expect(badMode.stderr).toMatch(/^E\d{4} [\d:.]+ +\d+ run\.go:74\] "command failed" err="authorization-mode \\"Foo\\" is not a valid mode"$/m)

    const missing = `${pki.dir}/no-such-apiserver.crt`
    const noCert = await runSimApiserverToExit(
      base.map((arg) => (arg.startsWith('--tls-cert-file=') ? `--tls-cert-file=${missing}` : arg)),
      {KUBELAB_K8S_VERSION: '1.30.0'},
    )
    expect(noCert.code).toBe(1)
    expect(noCert.stderr).toContain(`err="open ${missing}: no such file or directory"`)

    const noCa = await runSimApiserverToExit(
      base.map((arg) => (arg.startsWith('--client-ca-file=') ? `--client-ca-file=${pki.dir}/gone.crt` : arg)),
      {KUBELAB_K8S_VERSION: '1.19.16'},
    )
    expect(noCa.code).toBe(1)
    expect(noCa.stderr).toContain(`Error: unable to load client CA file "${pki.dir}/gone.crt": open ${pki.dir}/gone.crt: no such file or directory`)
  })

  it('retries an etcd it cannot reach, then dies with klog.Fatal and exit 255', async () => {
    const wrongCa = kubeadmArgs(pki, {securePort: 1, etcdUrl: etcd.clientUrl, etcdTls: true}).map((arg) =>
      arg.startsWith('--etcd-cafile=') ? `--etcd-cafile=${pki.files.ca}` : arg,
    )
    const result = await runSimApiserverToExit(wrongCa, {KUBELAB_K8S_VERSION: '1.30.0', KUBELAB_ETCD_STARTUP_TIMEOUT_MS: '1500'})
    expect(result.code).toBe(255)
    expect(result.stderr).toMatch(/^W.*grpc: addrConn\.createTransport failed to connect to \{https:\/\/127\.0\.0\.1:\d+\}/m)
    expect(result.stderr).toMatch(/^F\d{4} [\d:.]+ +\d+ instance\.go:291\] Error creating leases: error creating storage factory: context deadline exceeded$/m)
  })
})
