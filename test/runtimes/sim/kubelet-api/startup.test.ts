/**
 * startKubeletApi's start-up, without an API server (the kubelet keeps trying to register in the background, as a
 * real one does): the errors that stop a real kubelet after its config has loaded — client CA, authenticator,
 * authorizer, kubeconfig, ports — and where it listens: loopback only, whatever the config says.
 */
import net from 'node:net'
import os from 'node:os'
import tls from 'node:tls'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {issueCertificate} from '../../../../src/pki/certificates.js'
import {renderKubeconfig} from '../../../../src/pki/kubeconfig.js'
import {KubeletStartupError, listenAddress, startKubeletApi, type RunningKubeletApi} from '../../../../src/runtimes/sim/kubelet/api/kubelet-api.js'
import {createKubeletLabPki, CLUSTER_CA, KUBELET_CONFIG, type KubeletLabPki} from '../../../support/fixtures/kubelet-lab.js'
import {kubeletServingCertificate} from '../../../support/fixtures/kubelet-fixture.js'
import type {CertificateAndKeyPem} from '../../../../src/pki/certificates.js'
import {fixtureLine, fixtureNode, tempNodeRoot, type TempNodeRoot} from '../../../support/node-roots.js'
import {freePort} from '../../../support/ports.js'
import {collectingLog, KUBELET_CONF} from './sim-node.js'

let pki: KubeletLabPki
let serving: CertificateAndKeyPem
let kubeletConf: string
let hardened: string
const roots: TempNodeRoot[] = []
const running: RunningKubeletApi[] = []

beforeAll(async () => {
  ;[pki, serving] = await Promise.all([createKubeletLabPki(), kubeletServingCertificate()])
  const nodeIdentity = await issueCertificate(pki.ca, {commonName: 'system:node:lab-node', organizations: ['system:nodes'], usage: 'client'})
  // Nothing listens on this API server port: registration fails and is retried, the kubelet API serves regardless.
  kubeletConf = renderKubeconfig({
    server: `https://127.0.0.1:${await freePort()}`,
    userName: 'system:node:lab-node',
    caCertificatePem: pki.ca.certificatePem,
    clientCertificatePem: nodeIdentity.certificatePem,
    clientKeyPem: nodeIdentity.privateKeyPem,
  })
  hardened = (await fixtureNode('kcheck-hardened').readFile(KUBELET_CONFIG)) ?? ''
})

afterAll(async () => {
  for (const kubelet of running) await kubelet.stop()
  await Promise.all(roots.map((root) => root.remove()))
  await pki?.remove()
})

async function node(config: (text: string) => string, files: Record<string, string> = {}, remove: string[] = []): Promise<TempNodeRoot> {
  const port = await freePort()
  const root = await tempNodeRoot(
    'kcheck-hardened',
    {
      [KUBELET_CONFIG]: config(`${hardened}address: 127.0.0.1\nport: ${port}\n`),
      [CLUSTER_CA]: pki.ca.certificatePem,
      [KUBELET_CONF]: kubeletConf,
      '/var/lib/kubelet/pki/kubelet.crt': serving.certificatePem,
      '/var/lib/kubelet/pki/kubelet.key': serving.privateKeyPem,
      ...files,
    },
    remove,
  )
  roots.push(root)
  return root
}

async function start(root: TempNodeRoot, log = collectingLog()): Promise<RunningKubeletApi> {
  const kubelet = await startKubeletApi({nodeRoot: root.root, kubernetesVersion: '1.34.1', log, podSyncMs: 60_000, heartbeatMs: 60_000, schedulerKubeconfig: null})
  running.push(kubelet)
  return kubelet
}

async function refusal(root: TempNodeRoot): Promise<KubeletStartupError> {
  try {
    await start(root)
  } catch (error) {
    if (error instanceof KubeletStartupError) return error
    throw error
  }
  throw new Error('the kubelet API started; a KubeletStartupError was expected')
}

function refused(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host)
    socket.setTimeout(2000, () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
}

describe('start-up errors after the config has loaded', () => {
  it('a client CA file that does not exist', async () => {
    const error = await refusal(await node((text) => text, {}, [CLUSTER_CA]))
    expect(error.message).toBe('failed to construct kubelet dependencies: unable to load client CA file /etc/kubernetes/pki/ca.crt: open /etc/kubernetes/pki/ca.crt: no such file or directory')
    expect(error.location).toEqual({file: KUBELET_CONFIG, line: await fixtureLine('kcheck-hardened', KUBELET_CONFIG, 'clientCAFile: /etc/kubernetes/pki/ca.crt'), setting: 'authentication.x509.clientCAFile'})
  })

  it('a client CA file without a certificate', async () => {
    const error = await refusal(await node((text) => text, {[CLUSTER_CA]: 'not a certificate\n'}))
    expect(error.message).toBe('failed to construct kubelet dependencies: unable to load client CA file /etc/kubernetes/pki/ca.crt: error reading /etc/kubernetes/pki/ca.crt: data does not contain any valid RSA or ECDSA certificates')
  })

  it('an authorization mode the kubelet does not know', async () => {
    const error = await refusal(await node((text) => text.replace('  mode: Webhook', '  mode: RBAC')))
    expect(error.message).toBe('failed to run Kubelet: unknown authorization mode RBAC')
    expect(error.klogLine()).toMatch(/^E\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ run\.go:74\] "command failed" err="failed to run Kubelet: unknown authorization mode RBAC"$/)
  })

  it('no way to authenticate anyone', async () => {
    const root = await node((text) => text.replace('    enabled: true', '    enabled: false').replace('  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt', '  x509: {}'))
    expect((await refusal(root)).message).toBe('failed to run Kubelet: No authentication method configured')
  })

  it('no kubelet.conf and no bootstrap kubeconfig, with certificate rotation on (kubeadm\'s setting)', async () => {
    const error = await refusal(await node((text) => text, {}, [KUBELET_CONF]))
    expect(error.message).toBe('failed to run Kubelet: unable to load bootstrap kubeconfig: stat /etc/kubernetes/bootstrap-kubelet.conf: no such file or directory')
  })

  it('a serving certificate file that does not exist', async () => {
    const error = await refusal(await node((text) => `${text}tlsCertFile: /etc/kubernetes/pki/kubelet-serving.crt\ntlsPrivateKeyFile: /etc/kubernetes/pki/kubelet-serving.key\n`))
    expect(error.message).toBe('open /etc/kubernetes/pki/kubelet-serving.crt: no such file or directory')
    expect(error.klogLine()).toMatch(/server\.go:180\] "Failed to listen and serve" err="open \/etc\/kubernetes\/pki\/kubelet-serving\.crt: no such file or directory"$/)
  })

  it('a port already taken, leaving nothing listening behind', async () => {
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const taken = (blocker.address() as net.AddressInfo).port
    try {
      const secure = await freePort()
      const root = await node((text) => `${text.replace(/^port: \d+$/m, `port: ${secure}`)}readOnlyPort: ${taken}\n`)
      const error = await refusal(root)
      expect(error.message).toBe(`listen tcp 127.0.0.1:${taken}: bind: address already in use`)
      expect(error.stage).toBe('listen')
      expect(await refused(secure)).toBe(true)
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()))
    }
  })
})

describe('where it listens', () => {
  it('refuses the wildcard address kubeadm\'s config implies and listens on 127.0.0.1, saying why', async () => {
    const log = collectingLog()
    const readOnlyPort = await freePort()
    const root = await node((text) => `${text.replace('address: 127.0.0.1\n', '')}readOnlyPort: ${readOnlyPort}\n`)
    const kubelet = await start(root, log)
    expect(kubelet.settings.address).toBe('0.0.0.0')
    expect(kubelet.address).toBe('127.0.0.1')
    expect(log.lines.join('\n')).toContain('W "Refusing to listen on a non-loopback address')
    // Nothing answers on this machine's other addresses.
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((entry): entry is os.NetworkInterfaceInfo => entry !== undefined && !entry.internal && entry.family === 'IPv4')
      .map((entry) => entry.address)
    for (const address of external) {
      expect(await refused(kubelet.ports.secure, address)).toBe(true)
      expect(await refused(kubelet.ports.readOnly ?? 0, address)).toBe(true)
    }
    expect(await refused(kubelet.ports.secure)).toBe(false)
  })

  it('listens where the config says only with KUBELAB_ALLOW_WILDCARD=1', () => {
    const log = collectingLog()
    expect(listenAddress('0.0.0.0', {}, log)).toBe('127.0.0.1')
    expect(listenAddress('192.168.1.20', {}, log)).toBe('127.0.0.1')
    expect(listenAddress('127.0.0.2', {}, log)).toBe('127.0.0.2')
    expect(listenAddress('0.0.0.0', {KUBELAB_ALLOW_WILDCARD: '1'}, log)).toBe('0.0.0.0')
    expect(log.lines.filter((line) => line.startsWith('W'))).toHaveLength(3)
  })

  it('makes itself a self-signed serving certificate when kubelet.crt is missing, as kubeadm nodes rely on', async () => {
    const log = collectingLog()
    const root = await node((text) => text, {}, ['/var/lib/kubelet/pki/kubelet.crt', '/var/lib/kubelet/pki/kubelet.key'])
    const kubelet = await start(root, log)
    expect(await root.node.readFile('/var/lib/kubelet/pki/kubelet.crt')).toMatch(/^-----BEGIN CERTIFICATE-----/)
    expect(log.lines.join('\n')).toContain('I "Using self-signed cert" TLSCertFile="/var/lib/kubelet/pki/kubelet.crt"')
    const subject = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({host: '127.0.0.1', port: kubelet.ports.secure, rejectUnauthorized: false}, () => {
        resolve(socket.getPeerCertificate().subject.CN as string)
        socket.end()
      })
      socket.once('error', reject)
    })
    expect(subject).toMatch(/^lab-node@\d+$/)
  }, 20_000)

  it('answers plain HTTP sent to the TLS port as Go does', async () => {
    const kubelet = await start(await node((text) => text))
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(kubelet.ports.secure, '127.0.0.1', () => socket.write('GET /pods HTTP/1.1\r\nHost: x\r\n\r\n'))
      let data = ''
      socket.on('data', (chunk: Buffer) => (data += chunk.toString()))
      socket.on('close', () => resolve(data))
    })
    expect(answer).toBe('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n')
  })
})
