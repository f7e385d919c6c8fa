import {stringify} from 'yaml'
import {
  type CertificateAuthority,
  type EncryptionAlgorithm,
  generateKeyPair,
  issueCertificate,
} from './certificates.js'
import {InvalidCertificateOptionError} from './errors.js'
import {
  CLUSTER_NAME,
  NODE_USER_PREFIX,
  NODES_GROUP,
  SYSTEM_MASTERS_GROUP,
  adminGroup,
  separatesSuperAdmin,
} from './kubeadm-identities.js'
import {type NodeFiles, privateFile} from './node-files.js'

export const KUBERNETES_DIR = '/etc/kubernetes'

export const KUBECONFIG_PATHS = {
  admin: `${KUBERNETES_DIR}/admin.conf`,
  superAdmin: `${KUBERNETES_DIR}/super-admin.conf`,
  controllerManager: `${KUBERNETES_DIR}/controller-manager.conf`,
  scheduler: `${KUBERNETES_DIR}/scheduler.conf`,
  kubelet: `${KUBERNETES_DIR}/kubelet.conf`,
} as const

export type KubeconfigName = keyof typeof KUBECONFIG_PATHS

/** One cluster, one user, one context: what kubeadm's kubeconfigutil.CreateWithCerts builds. */
export interface ClientCertificateKubeconfig {
  /** kubeadm's ClusterConfiguration.clusterName, "kubernetes" by default. */
  clusterName?: string
  /** e.g. https://127.0.0.1:6443 */
  server: string
  userName: string
  caCertificatePem: string
  clientCertificatePem: string
  clientKeyPem: string
}

/** Throws unless `server` is an https:// URL, the only kind a client certificate is any use with. */
export function checkServerUrl(server: string): void {
  let url: URL
  try {
    url = new URL(server)
  } catch {
    throw new InvalidCertificateOptionError('server', server, 'give a URL such as https://127.0.0.1:6443')
  }
  if (url.protocol !== 'https:') {
    throw new InvalidCertificateOptionError('server', server, 'client certificates need an https:// URL')
  }
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64')

/**
 * The YAML clientcmd.Write produces: keys in alphabetical order, sequences not indented, PEM data
 * base64 encoded, the context named "<user>@<cluster>" and current.
 */
export function renderKubeconfig(config: ClientCertificateKubeconfig): string {
  const clusterName = config.clusterName ?? CLUSTER_NAME
  checkServerUrl(config.server)
  const contextName = `${config.userName}@${clusterName}`
  const document = {
    apiVersion: 'v1',
    clusters: [
      {
        cluster: {'certificate-authority-data': base64(config.caCertificatePem), server: config.server},
        name: clusterName,
      },
    ],
    contexts: [{context: {cluster: clusterName, user: config.userName}, name: contextName}],
    'current-context': contextName,
    kind: 'Config',
    preferences: {},
    users: [
      {
        name: config.userName,
        user: {
          'client-certificate-data': base64(config.clientCertificatePem),
          'client-key-data': base64(config.clientKeyPem),
        },
      },
    ],
  }
  return stringify(document, {indentSeq: false, lineWidth: 0})
}

export interface KubeadmKubeconfigOptions {
  /**
   * The cluster CA. A promise is accepted so that the client keys can be generated while the CA
   * is still being made.
   */
  ca: CertificateAuthority | PromiseLike<CertificateAuthority>
  nodeName: string
  kubernetesVersion: string
  /** kubeadm's control-plane endpoint, used by admin, super-admin and kubelet: https://127.0.0.1:6443 */
  server: string
  /** kubeadm's local API endpoint, used by controller-manager and scheduler. Defaults to `server`. */
  localServer?: string
  encryptionAlgorithm?: EncryptionAlgorithm
  clusterName?: string
}

interface KubeconfigSpec {
  name: KubeconfigName
  userName: string
  organizations: string[]
  server: string
}

/** kubeadm's getKubeConfigSpecsBase; super-admin.conf exists from 1.29 on. */
function kubeconfigSpecs(options: KubeadmKubeconfigOptions): KubeconfigSpec[] {
  const localServer = options.localServer ?? options.server
  const specs: KubeconfigSpec[] = [
    {name: 'admin', userName: 'kubernetes-admin', organizations: [adminGroup(options.kubernetesVersion)], server: options.server},
  ]
  if (separatesSuperAdmin(options.kubernetesVersion)) {
    specs.push({name: 'superAdmin', userName: 'kubernetes-super-admin', organizations: [SYSTEM_MASTERS_GROUP], server: options.server})
  }
  specs.push(
    {name: 'kubelet', userName: `${NODE_USER_PREFIX}${options.nodeName}`, organizations: [NODES_GROUP], server: options.server},
    {name: 'controllerManager', userName: 'system:kube-controller-manager', organizations: [], server: localServer},
    {name: 'scheduler', userName: 'system:kube-scheduler', organizations: [], server: localServer},
  )
  return specs
}

/**
 * The kubeconfig files `kubeadm init phase kubeconfig all` writes, each with its own client
 * certificate (CN = user name, O = groups) signed by the cluster CA and embedded with the CA
 * certificate and key as base64 data. kubelet.conf is kubeadm's initial one, before the kubelet
 * rotates its client certificate into /var/lib/kubelet/pki/kubelet-client-current.pem.
 */
export async function createKubeadmKubeconfigs(options: KubeadmKubeconfigOptions): Promise<NodeFiles> {
  const specs = kubeconfigSpecs(options)
  for (const spec of specs) checkServerUrl(spec.server)
  const rendered = await Promise.all(
    specs.map(async (spec) => {
      const [ca, keyPair] = await Promise.all([options.ca, generateKeyPair(options.encryptionAlgorithm)])
      const client = await issueCertificate(ca, {
        commonName: spec.userName,
        organizations: spec.organizations,
        usage: 'client',
        keyPair,
      })
      const yaml = renderKubeconfig({
        clusterName: options.clusterName,
        server: spec.server,
        userName: spec.userName,
        caCertificatePem: ca.certificatePem,
        clientCertificatePem: client.certificatePem,
        clientKeyPem: client.privateKeyPem,
      })
      return [KUBECONFIG_PATHS[spec.name], privateFile(yaml)] as const
    }),
  )
  return new Map(rendered)
}
