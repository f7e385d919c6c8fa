/**
 * The kubelet's own credentials: the kubeconfig named by --kubeconfig (kubeadm: /etc/kubernetes/kubelet.conf), read
 * on the node — file references such as kubeadm's rotated /var/lib/kubelet/pki/kubelet-client-current.pem are node
 * paths. The node's name comes from its client certificate, CN system:node:<name>, the identity the Node authorizer
 * and NodeRestriction tie to one node.
 */
import {X509Certificate} from 'node:crypto'
import {parse} from 'yaml'
import type {NodeAccess} from '../../../../target/types.js'
import {KubeletStartupError} from './errors.js'

export interface KubeletCredentials {
  /** The kubeconfig's node path. */
  file: string
  /** https://127.0.0.1:6443, without a trailing slash. */
  server: string
  caPem: string | undefined
  certificatePem: string
  keyPem: string
  /** The client certificate's CN, e.g. system:node:kubelab-control-plane. */
  userName: string
  /** The node name in that CN, when it has the system:node: form. */
  nodeName: string | undefined
}

const NODE_USER_PREFIX = 'system:node:'

/**
 * Reads the kubeconfig. A missing file is what makes a kubeadm node's kubelet fail at start with
 * "unable to load bootstrap kubeconfig" when certificate rotation is on (the kubelet then looks for the
 * bootstrap kubeconfig instead), or "invalid kubeconfig" when it is off.
 */
export async function readKubeletCredentials(
  node: NodeAccess,
  file: string,
  options: {rotateCertificates: boolean; bootstrapKubeconfig: string | undefined},
): Promise<KubeletCredentials> {
  const text = await node.readFile(file)
  if (text === undefined) {
    const bootstrap = options.bootstrapKubeconfig
    if (options.rotateCertificates && bootstrap !== undefined && (await node.readFile(bootstrap)) === undefined) {
      throw new KubeletStartupError(
        `failed to run Kubelet: unable to load bootstrap kubeconfig: stat ${bootstrap}: no such file or directory`,
        'run',
        {file, flag: 'kubeconfig'},
      )
    }
    throw new KubeletStartupError(`failed to run Kubelet: invalid kubeconfig: stat ${file}: no such file or directory`, 'run', {file, flag: 'kubeconfig'})
  }
  const invalid = (reason: string): KubeletStartupError =>
    new KubeletStartupError(`failed to run Kubelet: invalid kubeconfig: ${reason}`, 'run', {file, flag: 'kubeconfig'})

  let document: unknown
  try {
    document = parse(text)
  } catch (error) {
    throw invalid(`error loading config file ${JSON.stringify(file)}: yaml: ${(error as Error).message.split('\n')[0]}`)
  }
  const root = record(document)
  const contextName = typeof root['current-context'] === 'string' ? root['current-context'] : ''
  if (contextName === '') throw invalid('invalid configuration: no configuration has been provided')
  const context = record(named(root['contexts'], contextName)?.['context'])
  const clusterName = typeof context['cluster'] === 'string' ? context['cluster'] : ''
  const userName = typeof context['user'] === 'string' ? context['user'] : ''
  const cluster = record(named(root['clusters'], clusterName)?.['cluster'])
  const user = record(named(root['users'], userName)?.['user'])
  const server = typeof cluster['server'] === 'string' ? cluster['server'].replace(/\/$/, '') : ''
  if (server === '') throw invalid(`invalid configuration: no server found for cluster ${JSON.stringify(clusterName)}`)

  const pick = async (data: unknown, reference: unknown, what: string): Promise<string | undefined> => {
    if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64').toString('utf8')
    if (typeof reference !== 'string' || reference === '') return undefined
    const path = reference.startsWith('/') ? reference : `${file.slice(0, file.lastIndexOf('/'))}/${reference}`
    const content = await node.readFile(path)
    if (content === undefined) throw invalid(`unable to read ${what} ${JSON.stringify(path)}: open ${path}: no such file or directory`)
    return content
  }
  const caPem = await pick(cluster['certificate-authority-data'], cluster['certificate-authority'], 'certificate-authority')
  const certificatePem = await pick(user['client-certificate-data'], user['client-certificate'], 'client-certificate')
  const keyPem = await pick(user['client-key-data'], user['client-key'], 'client-key')
  if (certificatePem === undefined || keyPem === undefined) {
    throw invalid(`the user ${JSON.stringify(userName)} has no client certificate; the sim kubelet authenticates with one`)
  }
  let commonName: string
  try {
    commonName = subjectCommonName(new X509Certificate(certificatePem))
  } catch (error) {
    throw invalid(`the client certificate is not a PEM certificate: ${(error as Error).message}`)
  }
  return {
    file,
    server,
    caPem,
    certificatePem,
    keyPem,
    userName: commonName,
    nodeName: commonName.startsWith(NODE_USER_PREFIX) && commonName.length > NODE_USER_PREFIX.length ? commonName.slice(NODE_USER_PREFIX.length) : undefined,
  }
}

function subjectCommonName(certificate: X509Certificate): string {
  const line = certificate.subject.split('\n').find((entry) => entry.startsWith('CN='))
  return line?.slice(3) ?? ''
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function named(list: unknown, name: string): Record<string, unknown> | undefined {
  if (!Array.isArray(list)) return undefined
  return list.map(record).find((item) => item['name'] === name)
}
