import {beforeAll, describe, expect, it} from '@jest/globals'
import {createPrivateKey, createPublicKey, X509Certificate} from 'node:crypto'
import {parse} from 'yaml'
import {type CertificateAuthority, createCertificateAuthority} from '../../src/pki/certificates.js'
import {InvalidCertificateOptionError, InvalidKubernetesVersionError} from '../../src/pki/errors.js'
import {KUBECONFIG_PATHS, createKubeadmKubeconfigs, renderKubeconfig} from '../../src/pki/kubeconfig.js'
import type {NodeFiles} from '../../src/pki/node-files.js'
import {inspectCertificate, isIssuedBy} from './inspect.js'

const b64 = (text: string): string => Buffer.from(text).toString('base64')
const unb64 = (data: string): string => Buffer.from(data, 'base64').toString('utf8')

interface ParsedKubeconfig {
  clusters: {name: string; cluster: {server: string; 'certificate-authority-data': string}}[]
  contexts: {name: string; context: {cluster: string; user: string}}[]
  'current-context': string
  users: {name: string; user: {'client-certificate-data': string; 'client-key-data': string}}[]
}

function contents(files: NodeFiles, nodePath: string): string {
  const file = files.get(nodePath)
  if (file === undefined) throw new Error(`no ${nodePath}`)
  return file.contents
}

function clientCertificateOf(yaml: string): string {
  const parsed = parse(yaml) as ParsedKubeconfig
  return unb64(parsed.users[0]!.user['client-certificate-data'])
}

describe('renderKubeconfig', () => {
  it('writes the layout clientcmd.Write gives kubeadm admin.conf', () => {
    const yaml = renderKubeconfig({
      server: 'https://127.0.0.1:6443',
      userName: 'kubernetes-admin',
      caCertificatePem: 'CA PEM\n',
      clientCertificatePem: 'CERT PEM\n',
      clientKeyPem: 'KEY PEM\n',
    })
    expect(yaml).toBe(
      [
        'apiVersion: v1',
        'clusters:',
        '- cluster:',
        `    certificate-authority-data: ${b64('CA PEM\n')}`,
        '    server: https://127.0.0.1:6443',
        '  name: kubernetes',
        'contexts:',
        '- context:',
        '    cluster: kubernetes',
        '    user: kubernetes-admin',
        '  name: kubernetes-admin@kubernetes',
        'current-context: kubernetes-admin@kubernetes',
        'kind: Config',
        'preferences: {}',
        'users:',
        '- name: kubernetes-admin',
        '  user:',
        `    client-certificate-data: ${b64('CERT PEM\n')}`,
        `    client-key-data: ${b64('KEY PEM\n')}`,
        '',
      ].join('\n'),
    )
  })

  it('keeps long base64 data on one line and node user names unquoted', () => {
    const longPem = 'A'.repeat(3000)
    const yaml = renderKubeconfig({
      clusterName: 'lab',
      server: 'https://127.0.0.1:6443',
      userName: 'system:node:lab-control-plane',
      caCertificatePem: longPem,
      clientCertificatePem: longPem,
      clientKeyPem: longPem,
    })
    expect(yaml).toContain(`    certificate-authority-data: ${b64(longPem)}\n`)
    expect(yaml).toContain('current-context: system:node:lab-control-plane@lab\n')
    expect(yaml).toContain('- name: system:node:lab-control-plane\n')
  })

  it('refuses a server URL client certificates cannot be used with', () => {
    const base = {userName: 'u', caCertificatePem: 'x', clientCertificatePem: 'x', clientKeyPem: 'x'}
    expect(() => renderKubeconfig({...base, server: 'http://127.0.0.1:8080'})).toThrow(InvalidCertificateOptionError)
    expect(() => renderKubeconfig({...base, server: '127.0.0.1:6443'})).toThrow(/https:\/\/127\.0\.0\.1:6443/)
  })
})

describe('createKubeadmKubeconfigs', () => {
  let ca: CertificateAuthority
  let current: NodeFiles
  let legacy: NodeFiles
  beforeAll(async () => {
    // ECDSA keeps the suite quick; the algorithm does not change what these tests look at.
    ca = await createCertificateAuthority({commonName: 'kubernetes', encryptionAlgorithm: 'ECDSA-P256'})
    const common = {ca, nodeName: 'lab-control-plane', encryptionAlgorithm: 'ECDSA-P256' as const}
    ;[current, legacy] = await Promise.all([
      createKubeadmKubeconfigs({...common, kubernetesVersion: 'v1.31.0', server: 'https://127.0.0.1:6443', localServer: 'https://127.0.0.1:16443'}),
      createKubeadmKubeconfigs({...common, kubernetesVersion: 'v1.27.4', server: 'https://127.0.0.1:6443'}),
    ])
  })

  it('writes super-admin.conf only from 1.29, every file 0600', () => {
    expect([...current.keys()].sort()).toEqual(Object.values(KUBECONFIG_PATHS).sort())
    expect([...legacy.keys()].sort()).toEqual(Object.values(KUBECONFIG_PATHS).filter((p) => !p.endsWith('super-admin.conf')).sort())
    for (const file of [...current.values(), ...legacy.values()]) expect(file.mode).toBe(0o600)
  })

  it('gives each identity the CN and groups kubeadm gives it', () => {
    const subject = (files: NodeFiles, nodePath: string): string => new X509Certificate(clientCertificateOf(contents(files, nodePath))).subject
    expect(subject(current, KUBECONFIG_PATHS.admin)).toBe('O=kubeadm:cluster-admins\nCN=kubernetes-admin')
    expect(subject(current, KUBECONFIG_PATHS.superAdmin)).toBe('O=system:masters\nCN=kubernetes-super-admin')
    expect(subject(current, KUBECONFIG_PATHS.kubelet)).toBe('O=system:nodes\nCN=system:node:lab-control-plane')
    expect(subject(current, KUBECONFIG_PATHS.controllerManager)).toBe('CN=system:kube-controller-manager')
    expect(subject(current, KUBECONFIG_PATHS.scheduler)).toBe('CN=system:kube-scheduler')
    expect(subject(legacy, KUBECONFIG_PATHS.admin)).toBe('O=system:masters\nCN=kubernetes-admin')
  })

  it('signs every client certificate with the cluster CA, for client auth only', () => {
    for (const [nodePath, file] of current) {
      const certificate = clientCertificateOf(file.contents)
      expect({nodePath, issued: isIssuedBy(certificate, ca.certificatePem)}).toEqual({nodePath, issued: true})
      expect({nodePath, usage: inspectCertificate(certificate).extendedKeyUsage}).toEqual({nodePath, usage: ['clientAuth']})
    }
  })

  it('names cluster, user and context as kubeadm does, embedding the CA and a key that matches the certificate', () => {
    const parsed = parse(contents(current, KUBECONFIG_PATHS.kubelet)) as ParsedKubeconfig
    expect(parsed['current-context']).toBe('system:node:lab-control-plane@kubernetes')
    expect(parsed.contexts).toEqual([
      {name: 'system:node:lab-control-plane@kubernetes', context: {cluster: 'kubernetes', user: 'system:node:lab-control-plane'}},
    ])
    expect(parsed.clusters.map((cluster) => cluster.name)).toEqual(['kubernetes'])
    expect(unb64(parsed.clusters[0]!.cluster['certificate-authority-data'])).toBe(ca.certificatePem)
    expect(parsed.users.map((user) => user.name)).toEqual(['system:node:lab-control-plane'])
    const keyPem = unb64(parsed.users[0]!.user['client-key-data'])
    expect(keyPem.startsWith('-----BEGIN EC PRIVATE KEY-----\n')).toBe(true)
    const certificate = new X509Certificate(unb64(parsed.users[0]!.user['client-certificate-data']))
    const fromKey = createPublicKey(createPrivateKey(keyPem)).export({type: 'spki', format: 'der'})
    expect(fromKey.equals(certificate.publicKey.export({type: 'spki', format: 'der'}))).toBe(true)
  })

  it('points controller-manager and scheduler at the local endpoint, the rest at the control-plane endpoint', () => {
    const server = (nodePath: string): string => (parse(contents(current, nodePath)) as ParsedKubeconfig).clusters[0]!.cluster.server
    expect(server(KUBECONFIG_PATHS.controllerManager)).toBe('https://127.0.0.1:16443')
    expect(server(KUBECONFIG_PATHS.scheduler)).toBe('https://127.0.0.1:16443')
    expect(server(KUBECONFIG_PATHS.admin)).toBe('https://127.0.0.1:6443')
    expect(server(KUBECONFIG_PATHS.kubelet)).toBe('https://127.0.0.1:6443')
  })

  it('rejects an unknown version', async () => {
    await expect(
      createKubeadmKubeconfigs({ca, nodeName: 'n', kubernetesVersion: 'one.thirty', server: 'https://127.0.0.1:6443'}),
    ).rejects.toThrow(InvalidKubernetesVersionError)
  })
})
