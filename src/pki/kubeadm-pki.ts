import {isIP} from 'node:net'
import {
  type CertificateAuthority,
  DEFAULT_ENCRYPTION_ALGORITHM,
  type EncryptionAlgorithm,
  type LeafCertificateOptions,
  createCertificateAuthority,
  generateKeyPair,
  issueCertificate,
  privateKeyToPem,
  publicKeyToPem,
} from './certificates.js'
import {InvalidCertificateOptionError} from './errors.js'
import {SYSTEM_MASTERS_GROUP, adminGroup, separatesSuperAdmin} from './kubeadm-identities.js'
import {checkServerUrl, createKubeadmKubeconfigs} from './kubeconfig.js'
import {createKubeletServingCertificate} from './kubelet-serving.js'
import {type NodeFiles, certificateFile, privateFile} from './node-files.js'
import {classifyAltNames, validateAltNames} from './subject-alt-names.js'

export const PKI_DIR = '/etc/kubernetes/pki'
export const KUBELET_PKI_DIR = '/var/lib/kubelet/pki'

/** kubeadm's certificate base names, relative to /etc/kubernetes/pki. */
export type KubeadmCertificateName =
  | 'ca'
  | 'apiserver'
  | 'apiserver-kubelet-client'
  | 'front-proxy-ca'
  | 'front-proxy-client'
  | 'etcd/ca'
  | 'etcd/server'
  | 'etcd/peer'
  | 'etcd/healthcheck-client'
  | 'apiserver-etcd-client'

type AuthorityName = 'ca' | 'front-proxy-ca' | 'etcd/ca'

export const certificatePath = (name: KubeadmCertificateName): string => `${PKI_DIR}/${name}.crt`
export const privateKeyPath = (name: KubeadmCertificateName): string => `${PKI_DIR}/${name}.key`
export const SERVICE_ACCOUNT_KEY_PATH = `${PKI_DIR}/sa.key`
export const SERVICE_ACCOUNT_PUBLIC_KEY_PATH = `${PKI_DIR}/sa.pub`
export const KUBELET_SERVING_CERT_PATH = `${KUBELET_PKI_DIR}/kubelet.crt`
export const KUBELET_SERVING_KEY_PATH = `${KUBELET_PKI_DIR}/kubelet.key`

export interface KubeadmPkiOptions {
  /** NodeRegistration.name; etcd's certificates use it as CN and every server certificate as a SAN. */
  nodeName: string
  /** Decides the groups in the client certificates: see separatesSuperAdmin. */
  kubernetesVersion: string
  /** LocalAPIEndpoint.advertiseAddress. Default 127.0.0.1. */
  advertiseAddress?: string
  /** The first IP of networking.serviceSubnet (the kubernetes Service's ClusterIP). Default 10.96.0.1. */
  serviceSubnetFirstIp?: string
  /** networking.dnsDomain. Default cluster.local. */
  dnsDomain?: string
  /** apiServer.certSANs: extra IPs and DNS names for the API server certificate. */
  extraSans?: readonly string[]
  /** Default RSA-2048, as kubeadm. */
  encryptionAlgorithm?: EncryptionAlgorithm
  /** When given, also the kubeconfig files of `kubeadm init phase kubeconfig all`, pointing here. */
  kubeconfigServer?: string
  /** Stamped into the kubelet's self-made serving certificate names. Defaults to now. */
  now?: Date
}

export interface KubeadmPki {
  /** Every file, keyed by node path, with the mode kubeadm (or the kubelet) gives it. */
  files: NodeFiles
  /** The three separate CAs, to issue more certificates from (e.g. a learner's client certificate). */
  authorities: {kubernetes: CertificateAuthority; frontProxy: CertificateAuthority; etcd: CertificateAuthority}
}

interface LeafSpec {
  name: KubeadmCertificateName
  issuer: AuthorityName
  certificate: Omit<LeafCertificateOptions, 'keyPair'>
}

interface ResolvedOptions {
  nodeName: string
  kubernetesVersion: string
  advertiseAddress: string
  serviceSubnetFirstIp: string
  dnsDomain: string
  extraSans: readonly string[]
}

function requireIp(option: string, value: string): string {
  if (isIP(value) === 0) throw new InvalidCertificateOptionError(option, value, 'give an IP address such as 127.0.0.1')
  return value
}

/** kubeadm's GetAPIServerAltNames: node name, the kubernetes Service names, its ClusterIP, the advertise address. */
function apiServerAltNames(options: ResolvedOptions): {dnsNames: string[]; ipAddresses: string[]} {
  const extra = classifyAltNames(options.extraSans, 'the API server certificate (extraSans)')
  return {
    dnsNames: [
      options.nodeName,
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      `kubernetes.default.svc.${options.dnsDomain}`,
      ...extra.dnsNames,
    ],
    ipAddresses: [options.serviceSubnetFirstIp, options.advertiseAddress, ...extra.ipAddresses],
  }
}

/** kubeadm's getAltNames for etcd/server and etcd/peer: node name, localhost, advertise address, both loopbacks. */
function etcdAltNames(options: ResolvedOptions): {dnsNames: string[]; ipAddresses: string[]} {
  return {dnsNames: [options.nodeName, 'localhost'], ipAddresses: [options.advertiseAddress, '127.0.0.1', '::1']}
}

/** kubeadm's certlist.go (GetDefaultCertList), version by version. */
function leafSpecs(options: ResolvedOptions): LeafSpec[] {
  const etcdClientGroups = separatesSuperAdmin(options.kubernetesVersion) ? [] : [SYSTEM_MASTERS_GROUP]
  return [
    {name: 'apiserver', issuer: 'ca', certificate: {commonName: 'kube-apiserver', usage: 'server', ...apiServerAltNames(options)}},
    {
      name: 'apiserver-kubelet-client',
      issuer: 'ca',
      certificate: {
        commonName: 'kube-apiserver-kubelet-client',
        organizations: [adminGroup(options.kubernetesVersion)],
        usage: 'client',
      },
    },
    {name: 'front-proxy-client', issuer: 'front-proxy-ca', certificate: {commonName: 'front-proxy-client', usage: 'client'}},
    // etcd 3.2 wants clientAuth on its server certificate too (etcd-io/etcd#9785), hence server-and-client.
    {
      name: 'etcd/server',
      issuer: 'etcd/ca',
      certificate: {commonName: options.nodeName, usage: 'server-and-client', ...etcdAltNames(options)},
    },
    {
      name: 'etcd/peer',
      issuer: 'etcd/ca',
      certificate: {commonName: options.nodeName, usage: 'server-and-client', ...etcdAltNames(options)},
    },
    {
      name: 'etcd/healthcheck-client',
      issuer: 'etcd/ca',
      certificate: {commonName: 'kube-etcd-healthcheck-client', organizations: etcdClientGroups, usage: 'client'},
    },
    {
      name: 'apiserver-etcd-client',
      issuer: 'etcd/ca',
      certificate: {commonName: 'kube-apiserver-etcd-client', organizations: etcdClientGroups, usage: 'client'},
    },
  ]
}

/**
 * The certificates, keys and (optionally) kubeconfigs `kubeadm init` lays on a control-plane node,
 * made in memory. Three unrelated CAs: the cluster CA ("kubernetes"), the front-proxy CA and a
 * separate etcd CA, so a certificate the API server accepts opens nothing in etcd and the reverse.
 * Every key pair is generated at once; signing waits only for its own CA.
 */
export async function createKubeadmPki(options: KubeadmPkiOptions): Promise<KubeadmPki> {
  const resolved: ResolvedOptions = {
    nodeName: options.nodeName,
    kubernetesVersion: options.kubernetesVersion,
    advertiseAddress: requireIp('advertiseAddress', options.advertiseAddress ?? '127.0.0.1'),
    serviceSubnetFirstIp: requireIp('serviceSubnetFirstIp', options.serviceSubnetFirstIp ?? '10.96.0.1'),
    dnsDomain: options.dnsDomain ?? 'cluster.local',
    extraSans: options.extraSans ?? [],
  }
  // Validate everything (version, SANs) before spending any time on keys.
  const specs = leafSpecs(resolved)
  for (const {name, certificate} of specs) {
    validateAltNames({dnsNames: [...(certificate.dnsNames ?? [])], ipAddresses: [...(certificate.ipAddresses ?? [])]}, `${name}.crt`)
  }
  if (options.kubeconfigServer !== undefined) checkServerUrl(options.kubeconfigServer)
  const encryptionAlgorithm = options.encryptionAlgorithm ?? DEFAULT_ENCRYPTION_ALGORITHM

  const authorities: Record<AuthorityName, Promise<CertificateAuthority>> = {
    ca: createCertificateAuthority({commonName: 'kubernetes', encryptionAlgorithm}),
    'front-proxy-ca': createCertificateAuthority({commonName: 'front-proxy-ca', encryptionAlgorithm}),
    'etcd/ca': createCertificateAuthority({commonName: 'etcd-ca', encryptionAlgorithm}),
  }
  const leaves = specs.map(async (spec) => {
    const [ca, keyPair] = await Promise.all([authorities[spec.issuer], generateKeyPair(encryptionAlgorithm)])
    return {name: spec.name, issued: await issueCertificate(ca, {...spec.certificate, keyPair})}
  })
  const serviceAccountKeys = generateKeyPair(encryptionAlgorithm)
  const kubeletServing = createKubeletServingCertificate({nodeName: options.nodeName, now: options.now})
  const kubeconfigs =
    options.kubeconfigServer === undefined
      ? Promise.resolve(new Map() as NodeFiles)
      : createKubeadmKubeconfigs({
          ca: authorities.ca,
          nodeName: options.nodeName,
          kubernetesVersion: options.kubernetesVersion,
          server: options.kubeconfigServer,
          encryptionAlgorithm,
        })

  const [kubernetes, frontProxy, etcd, issuedLeaves, serviceAccount, kubelet, kubeconfigFiles] = await Promise.all([
    authorities.ca,
    authorities['front-proxy-ca'],
    authorities['etcd/ca'],
    Promise.all(leaves),
    serviceAccountKeys,
    kubeletServing,
    kubeconfigs,
  ])

  const files: NodeFiles = new Map()
  const addPair = (name: KubeadmCertificateName, pair: {certificatePem: string; privateKeyPem: string}): void => {
    files.set(certificatePath(name), certificateFile(pair.certificatePem))
    files.set(privateKeyPath(name), privateFile(pair.privateKeyPem))
  }
  addPair('ca', kubernetes)
  addPair('front-proxy-ca', frontProxy)
  addPair('etcd/ca', etcd)
  for (const leaf of issuedLeaves) addPair(leaf.name, leaf.issued)
  // kubeadm writes both halves of the service-account key with keyutil.WriteKey, so sa.pub is 0600 too.
  files.set(SERVICE_ACCOUNT_KEY_PATH, privateFile(privateKeyToPem(serviceAccount.privateKey)))
  files.set(SERVICE_ACCOUNT_PUBLIC_KEY_PATH, privateFile(publicKeyToPem(serviceAccount.publicKey)))
  files.set(KUBELET_SERVING_CERT_PATH, certificateFile(kubelet.certificatePem))
  files.set(KUBELET_SERVING_KEY_PATH, privateFile(kubelet.privateKeyPem))
  for (const [path, file] of kubeconfigFiles) files.set(path, file)

  return {files, authorities: {kubernetes, frontProxy, etcd}}
}
