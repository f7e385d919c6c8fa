import {chmod, mkdtemp, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {beforeAll, describe, expect, it} from '@jest/globals'
import {KubeconfigError, loadApiCredentials} from '../../src/target/kubeconfig.js'

const b64 = (text: string): string => Buffer.from(text).toString('base64')

describe('loadApiCredentials', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kubelab-kubeconfig-'))
    await writeFile(path.join(dir, 'ca.crt'), 'CA PEM')
    await writeFile(path.join(dir, 'token'), 'file-token\n')
    await writeFile(
      path.join(dir, 'plugin.sh'),
      `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-token-'"$KUBELAB_TEST"'"}}'\n`,
    )
    await chmod(path.join(dir, 'plugin.sh'), 0o755)
  })

  const write = async (name: string, text: string): Promise<string> => {
    const file = path.join(dir, name)
    await writeFile(file, text)
    return file
  }

  it('reads server, inline CA and client certificate of the current context (kubeadm admin.conf shape)', async () => {
    const file = await write(
      'admin.conf',
      `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64('CA DATA')}
    server: https://127.0.0.1:6443/
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
kind: Config
preferences: {}
users:
- name: kubernetes-admin
  user:
    client-certificate-data: ${b64('CERT DATA')}
    client-key-data: ${b64('KEY DATA')}
`,
    )
    const credentials = await loadApiCredentials({kubeconfigPath: file})
    expect(credentials).toEqual({
      server: 'https://127.0.0.1:6443',
      tls: {verify: true, ca: 'CA DATA', cert: 'CERT DATA', key: 'KEY DATA'},
      headers: {},
      label: 'kubeconfig admin.conf, user kubernetes-admin',
    })
  })

  it('resolves file references relative to the kubeconfig, token files, and a chosen context', async () => {
    const file = await write(
      'files.conf',
      `clusters:
- {name: a, cluster: {server: "https://a:6443", certificate-authority: ca.crt}}
- {name: b, cluster: {server: "https://b:6443", insecure-skip-tls-verify: true}}
contexts:
- {name: first, context: {cluster: a, user: u}}
- {name: second, context: {cluster: b, user: u}}
current-context: first
users:
- {name: u, user: {tokenFile: token}}
`,
    )
    expect(await loadApiCredentials({kubeconfigPath: file})).toMatchObject({server: 'https://a:6443', tls: {ca: 'CA PEM', verify: true}, headers: {authorization: 'Bearer file-token'}})
    expect(await loadApiCredentials({kubeconfigPath: file, context: 'second'})).toMatchObject({server: 'https://b:6443', tls: {verify: false}})
  })

  it('runs an exec credential plugin with its env', async () => {
    const file = await write(
      'exec.conf',
      `clusters: [{name: c, cluster: {server: "https://c:6443"}}]
contexts: [{name: x, context: {cluster: c, user: e}}]
current-context: x
users:
- name: e
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${path.join(dir, 'plugin.sh')}
      env: [{name: KUBELAB_TEST, value: abc}]
`,
    )
    expect((await loadApiCredentials({kubeconfigPath: file})).headers).toEqual({authorization: 'Bearer exec-token-abc'})
  })

  it.each([
    ['missing.conf', null, /cannot read it \(ENOENT\)/],
    ['broken.conf', 'clusters: [\n', /not valid YAML/],
    ['nocontext.conf', 'clusters: []\ncontexts: []\n', /no current-context set; pass --context/],
    ['badcontext.conf', 'clusters: []\ncontexts: []\ncurrent-context: nope\n', /context "nope" not found/],
  ])('%s gives a KubeconfigError naming the file', async (name, text, reason) => {
    const file = text === null ? path.join(dir, name) : await write(name, text)
    const attempt = loadApiCredentials({kubeconfigPath: file})
    await expect(attempt).rejects.toBeInstanceOf(KubeconfigError)
    await expect(attempt).rejects.toThrow(reason)
    await expect(attempt).rejects.toThrow(file)
  })
})
