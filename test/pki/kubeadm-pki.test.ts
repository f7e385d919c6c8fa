import {beforeAll, describe, expect, it} from '@jest/globals'
import {createPrivateKey, createPublicKey, createSign, createVerify, X509Certificate} from 'node:crypto'
import {InvalidCertificateOptionError, InvalidKubernetesVersionError, InvalidSubjectAltNameError} from '../../src/pki/errors.js'
import {
  type KubeadmCertificateName,
  type KubeadmPki,
  KUBELET_SERVING_CERT_PATH,
  KUBELET_SERVING_KEY_PATH,
  SERVICE_ACCOUNT_KEY_PATH,
  SERVICE_ACCOUNT_PUBLIC_KEY_PATH,
  certificatePath,
  createKubeadmPki,
  privateKeyPath,
} from '../../src/pki/kubeadm-pki.js'
import {inspectCertificate, isIssuedBy, splitPemCertificates} from './inspect.js'

const NODE = 'lab-control-plane'
const KUBELET_STAMP = new Date('2026-03-01T12:00:00Z')

function text(pki: KubeadmPki, nodePath: string): string {
  const file = pki.files.get(nodePath)
  if (file === undefined) throw new Error(`no ${nodePath} in the PKI`)
  return file.contents
}

const certificate = (pki: KubeadmPki, name: KubeadmCertificateName): string => text(pki, certificatePath(name))

const LEAVES_BY_CA: [KubeadmCertificateName, KubeadmCertificateName][] = [
  ['apiserver', 'ca'],
  ['apiserver-kubelet-client', 'ca'],
  ['front-proxy-client', 'front-proxy-ca'],
  ['etcd/server', 'etcd/ca'],
  ['etcd/peer', 'etcd/ca'],
  ['etcd/healthcheck-client', 'etcd/ca'],
  ['apiserver-etcd-client', 'etcd/ca'],
]
const CAS: KubeadmCertificateName[] = ['ca', 'front-proxy-ca', 'etcd/ca']

describe('createKubeadmPki', () => {
  // The default RSA-2048 set as a 1.30 kubeadm makes it, and a 1.28 set in ECDSA-P256 to keep the suite quick.
  let current: KubeadmPki
  let legacy: KubeadmPki
  beforeAll(async () => {
    ;[current, legacy] = await Promise.all([
      createKubeadmPki({nodeName: NODE, kubernetesVersion: 'v1.30.2', now: KUBELET_STAMP}),
      createKubeadmPki({
        nodeName: NODE,
        kubernetesVersion: '1.28.9',
        advertiseAddress: '192.0.2.10',
        serviceSubnetFirstIp: '10.112.0.1',
        dnsDomain: 'lab.internal',
        extraSans: ['localhost', '127.0.0.1', 'api.lab.example'],
        encryptionAlgorithm: 'ECDSA-P256',
        kubeconfigServer: 'https://127.0.0.1:6443',
      }),
    ])
  })

  it('lays out the files kubeadm init writes, with kubeadm modes', () => {
    const pkiFiles = [
      ...CAS.flatMap((name) => [certificatePath(name), privateKeyPath(name)]),
      ...LEAVES_BY_CA.flatMap(([name]) => [certificatePath(name), privateKeyPath(name)]),
      SERVICE_ACCOUNT_KEY_PATH,
      SERVICE_ACCOUNT_PUBLIC_KEY_PATH,
      KUBELET_SERVING_CERT_PATH,
      KUBELET_SERVING_KEY_PATH,
    ]
    expect([...current.files.keys()].sort()).toEqual([...pkiFiles].sort())
    expect(pkiFiles).toContain('/etc/kubernetes/pki/etcd/healthcheck-client.key')
    expect(pkiFiles).toContain('/var/lib/kubelet/pki/kubelet.crt')
    for (const [nodePath, file] of current.files) {
      const expectedMode = nodePath.endsWith('.crt') ? 0o644 : 0o600
      expect({nodePath, mode: file.mode.toString(8)}).toEqual({nodePath, mode: expectedMode.toString(8)})
    }
    expect(current.files.get(SERVICE_ACCOUNT_PUBLIC_KEY_PATH)?.mode).toBe(0o600)
  })

  it('adds the kubeconfig files when given a server', () => {
    const kubeconfigs = [...legacy.files.keys()].filter((nodePath) => nodePath.endsWith('.conf')).sort()
    expect(kubeconfigs).toEqual([
      '/etc/kubernetes/admin.conf',
      '/etc/kubernetes/controller-manager.conf',
      '/etc/kubernetes/kubelet.conf',
      '/etc/kubernetes/scheduler.conf',
    ])
    expect([...current.files.keys()].some((nodePath) => nodePath.endsWith('.conf'))).toBe(false)
  })

  it('signs every leaf with its own CA', () => {
    for (const pki of [current, legacy]) {
      for (const [leaf, ca] of LEAVES_BY_CA) {
        expect({leaf, ca, issued: isIssuedBy(certificate(pki, leaf), certificate(pki, ca))}).toEqual({leaf, ca, issued: true})
      }
    }
  })

  it('keeps etcd behind its own CA: no cluster-CA certificate verifies there, and the reverse', () => {
    for (const [leaf, ca] of LEAVES_BY_CA) {
      for (const otherCa of CAS.filter((name) => name !== ca)) {
        expect({leaf, otherCa, issued: isIssuedBy(certificate(current, leaf), certificate(current, otherCa))}).toEqual({
          leaf,
          otherCa,
          issued: false,
        })
      }
    }
    const publicKeys = CAS.map((name) => new X509Certificate(certificate(current, name)).publicKey.export({type: 'spki', format: 'der'}))
    expect(new Set(publicKeys.map((key) => key.toString('base64'))).size).toBe(3)
    expect(current.authorities.etcd.certificatePem).toBe(certificate(current, 'etcd/ca'))
    expect(current.authorities.kubernetes.certificatePem).toBe(certificate(current, 'ca'))
  })

  it('names the CAs as kubeadm does and makes each a critical CA', () => {
    expect(CAS.map((name) => inspectCertificate(certificate(current, name)).commonName)).toEqual(['kubernetes', 'front-proxy-ca', 'etcd-ca'])
    for (const name of CAS) {
      const facts = inspectCertificate(certificate(current, name))
      expect([facts.isCa, facts.basicConstraintsCritical, facts.keyUsageCritical]).toEqual([true, true, true])
      expect(facts.keyUsage).toEqual(['digitalSignature', 'keyEncipherment', 'keyCertSign'])
    }
  })

  it('gives the API server the SANs of GetAPIServerAltNames', () => {
    const facts = inspectCertificate(certificate(current, 'apiserver'))
    expect(facts.commonName).toBe('kube-apiserver')
    expect(facts.dnsNames).toEqual([
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
      NODE,
    ])
    expect(facts.ipAddresses).toEqual(['10.96.0.1', '127.0.0.1'])
    expect(facts.extendedKeyUsage).toEqual(['serverAuth'])
  })

  it('takes the service IP, advertise address, DNS domain and extra SANs into the API server certificate', () => {
    const facts = inspectCertificate(certificate(legacy, 'apiserver'))
    expect(facts.dnsNames).toEqual([
      'api.lab.example',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.lab.internal',
      NODE,
      'localhost',
    ])
    expect(facts.ipAddresses).toEqual(['10.112.0.1', '192.0.2.10', '127.0.0.1'])
  })

  it('gives etcd server and peer the node name, localhost and both loopbacks, for server and client auth', () => {
    for (const name of ['etcd/server', 'etcd/peer'] as const) {
      const facts = inspectCertificate(certificate(current, name))
      expect(facts.commonName).toBe(NODE)
      expect(facts.dnsNames).toEqual([NODE, 'localhost'].sort())
      expect(facts.ipAddresses).toEqual(['127.0.0.1', '::1'])
      expect(facts.extendedKeyUsage).toEqual(['serverAuth', 'clientAuth'])
    }
    expect(inspectCertificate(certificate(legacy, 'etcd/server')).ipAddresses).toEqual(['192.0.2.10', '127.0.0.1', '::1'])
  })

  it('from 1.29 keeps system:masters out: kubeadm:cluster-admins for the kubelet client, no group on etcd clients', () => {
    const subjects = (pki: KubeadmPki): Record<string, string> =>
      Object.fromEntries(
        (['apiserver-kubelet-client', 'etcd/healthcheck-client', 'apiserver-etcd-client', 'front-proxy-client'] as const).map((name) => [
          name,
          new X509Certificate(certificate(pki, name)).subject,
        ]),
      )
    expect(subjects(current)).toEqual({
      'apiserver-kubelet-client': 'O=kubeadm:cluster-admins\nCN=kube-apiserver-kubelet-client',
      'etcd/healthcheck-client': 'CN=kube-etcd-healthcheck-client',
      'apiserver-etcd-client': 'CN=kube-apiserver-etcd-client',
      'front-proxy-client': 'CN=front-proxy-client',
    })
    expect(subjects(legacy)).toEqual({
      'apiserver-kubelet-client': 'O=system:masters\nCN=kube-apiserver-kubelet-client',
      'etcd/healthcheck-client': 'O=system:masters\nCN=kube-etcd-healthcheck-client',
      'apiserver-etcd-client': 'O=system:masters\nCN=kube-apiserver-etcd-client',
      'front-proxy-client': 'CN=front-proxy-client',
    })
    for (const [leaf] of LEAVES_BY_CA.filter(([name]) => !['apiserver', 'etcd/server', 'etcd/peer'].includes(name))) {
      expect({leaf, usage: inspectCertificate(certificate(current, leaf)).extendedKeyUsage}).toEqual({leaf, usage: ['clientAuth']})
    }
  })

  it('writes keys as kubeadm does: PKCS#1 for RSA, SEC1 for ECDSA, each matching its certificate', () => {
    for (const [pki, header] of [
      [current, '-----BEGIN RSA PRIVATE KEY-----'],
      [legacy, '-----BEGIN EC PRIVATE KEY-----'],
    ] as const) {
      for (const name of [...CAS, ...LEAVES_BY_CA.map(([leaf]) => leaf)]) {
        const key = text(pki, privateKeyPath(name))
        expect(key.startsWith(header)).toBe(true)
        const fromKey = createPublicKey(createPrivateKey(key)).export({type: 'spki', format: 'der'})
        const fromCertificate = new X509Certificate(certificate(pki, name)).publicKey.export({type: 'spki', format: 'der'})
        expect({name, matches: fromKey.equals(fromCertificate)}).toEqual({name, matches: true})
      }
    }
  })

  it('makes sa.key and sa.pub one key pair, RSA PRIVATE KEY and PUBLIC KEY', () => {
    const privateKey = text(current, SERVICE_ACCOUNT_KEY_PATH)
    const publicKey = text(current, SERVICE_ACCOUNT_PUBLIC_KEY_PATH)
    expect(privateKey.startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true)
    expect(publicKey.startsWith('-----BEGIN PUBLIC KEY-----\n')).toBe(true)
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ'
    const signature = createSign('sha256').update(token).sign(privateKey)
    expect(createVerify('sha256').update(token).verify(publicKey, signature)).toBe(true)
    const otherKey = text(legacy, SERVICE_ACCOUNT_PUBLIC_KEY_PATH)
    expect(createVerify('sha256').update(token).verify(otherKey, signature)).toBe(false)
  })

  it('lets the kubelet sign its own serving certificate, as it does without --tls-cert-file', () => {
    const [leaf, kubeletCa, ...rest] = splitPemCertificates(text(current, KUBELET_SERVING_CERT_PATH))
    expect(rest).toEqual([])
    const stamp = Math.floor(KUBELET_STAMP.getTime() / 1000)
    const leafFacts = inspectCertificate(leaf!)
    const caFacts = inspectCertificate(kubeletCa!)
    expect(leafFacts.commonName).toBe(`${NODE}@${stamp}`)
    expect(caFacts.commonName).toBe(`${NODE}-ca@${stamp}`)
    expect([caFacts.serialNumber, leafFacts.serialNumber]).toEqual(['01', '02'])
    expect(leafFacts.dnsNames).toEqual([NODE])
    expect(leafFacts.extendedKeyUsage).toEqual(['serverAuth'])
    expect(caFacts.dnsNames).toEqual([])
    expect(leafFacts.notBefore.getTime()).toBe(KUBELET_STAMP.getTime() - 60 * 60 * 1000)
    expect(isIssuedBy(leaf!, kubeletCa!)).toBe(true)
    expect(isIssuedBy(leaf!, certificate(current, 'ca'))).toBe(false)
    expect(text(current, KUBELET_SERVING_KEY_PATH).startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true)
    const fromKey = createPublicKey(text(current, KUBELET_SERVING_KEY_PATH)).export({type: 'spki', format: 'der'})
    expect(fromKey.equals(leafFacts.node.publicKey.export({type: 'spki', format: 'der'}))).toBe(true)
  })

  it('rejects bad input with errors that name the option', async () => {
    await expect(createKubeadmPki({nodeName: NODE, kubernetesVersion: 'latest'})).rejects.toThrow(InvalidKubernetesVersionError)
    await expect(createKubeadmPki({nodeName: NODE, kubernetesVersion: '1.30', advertiseAddress: 'localhost'})).rejects.toThrow(
      InvalidCertificateOptionError,
    )
    await expect(createKubeadmPki({nodeName: NODE, kubernetesVersion: '1.30', extraSans: ['not a name']})).rejects.toThrow(
      /"not a name".*extraSans/,
    )
    await expect(createKubeadmPki({nodeName: 'Bad_Node', kubernetesVersion: '1.30'})).rejects.toThrow(InvalidSubjectAltNameError)
    await expect(createKubeadmPki({nodeName: NODE, kubernetesVersion: '1.30', kubeconfigServer: 'http://127.0.0.1:8080'})).rejects.toThrow(
      /https:\/\//,
    )
  })
})
