import {chmod, mkdir, rename, writeFile} from 'node:fs/promises'
import path from 'node:path'
import type {EncryptionAlgorithm} from '../../pki/certificates.js'
import type {KubeadmPki} from '../../pki/kubeadm-pki.js'
import type {NodeFiles} from '../../pki/node-files.js'
import {hostPathFor, writeFiles} from '../../pki/write.js'
import type {Scenario} from '../../scenario/schema.js'
import {DEFAULT_LAB_PORTS, type LabPorts} from '../types.js'
import {renderNodeFiles, withModes} from './node-files/render.js'
import {NODE_FILE_PATHS, type NodePorts} from './node-files/types.js'
import {hostPath, type SimNodeLayout} from './node/layout.js'

/**
 * kubeadm's fixed node paths the lab itself reads. (The PKI module, which defines them too, loads the
 * x509 libraries; it is imported only when keys are made, so that the CLI starts quickly.)
 */
export const KUBEADM_NODE_FILES = {
  admin: '/etc/kubernetes/admin.conf',
  clusterCa: '/etc/kubernetes/pki/ca.crt',
  serviceAccountKey: '/etc/kubernetes/pki/sa.key',
} as const

/** Every component listens here, and nowhere else. */
export const LAB_BIND_ADDRESS = '127.0.0.1'

/**
 * ECDSA P-256, one of kubeadm's ClusterConfiguration.encryptionAlgorithm choices: key generation is
 * what an RSA-2048 PKI (kubeadm's default) spends seconds on, and a lab should start in a breath.
 * The kubelet's own self-signed serving certificate stays RSA-2048, as the kubelet makes it.
 */
export const LAB_ENCRYPTION_ALGORITHM: EncryptionAlgorithm = 'ECDSA-P256'

export function nodeNameFor(labName: string): string {
  return `${labName}-control-plane`
}

export function nodePortsFor(ports: LabPorts): NodePorts {
  return {
    ...ports,
    apiserverInsecure: ports.apiserverInsecure ?? DEFAULT_LAB_PORTS.apiserverInsecure,
    kubeletReadOnly: ports.kubeletReadOnly ?? DEFAULT_LAB_PORTS.kubeletReadOnly,
  }
}

const MANIFESTS: ReadonlySet<string> = new Set([
  NODE_FILE_PATHS.apiserverManifest,
  NODE_FILE_PATHS.controllerManagerManifest,
  NODE_FILE_PATHS.etcdManifest,
  NODE_FILE_PATHS.schedulerManifest,
])

/** The rendered kubeadm files of a node, split by when they are laid down. */
export interface RenderedNode {
  /** config.yaml, kubeadm-flags.env and the systemd drop-in: what the kubelet reads. */
  kubelet: NodeFiles
  /** The four static pod manifests: written last, once everything they name exists. */
  manifests: NodeFiles
}

/** The manifests and kubelet files for this lab's ports and the installed etcd; throws NodeFilesError for a scenario that cannot be rendered. */
export function renderSimNode(name: string, scenario: Scenario, ports: LabPorts, etcdVersion: string): RenderedNode {
  const files = withModes(
    renderNodeFiles(scenario, {nodeName: nodeNameFor(name), clusterName: name, bindAddress: LAB_BIND_ADDRESS, ports: nodePortsFor(ports), etcdVersion}),
  )
  const kubelet: NodeFiles = new Map()
  const manifests: NodeFiles = new Map()
  for (const [nodePath, file] of files) (MANIFESTS.has(nodePath) ? manifests : kubelet).set(nodePath, file)
  return {kubelet, manifests}
}

/** kubeadm's certificates and keys for the lab's node; the kubeconfigs come later, once the API port is chosen. */
export async function createSimPki(name: string, scenario: Scenario, encryptionAlgorithm: EncryptionAlgorithm = LAB_ENCRYPTION_ALGORITHM): Promise<KubeadmPki> {
  const {createKubeadmPki} = await import('../../pki/kubeadm-pki.js')
  return createKubeadmPki({nodeName: nodeNameFor(name), kubernetesVersion: scenario.kubernetesVersion, advertiseAddress: LAB_BIND_ADDRESS, encryptionAlgorithm})
}

/** `kubeadm init phase kubeconfig all` against this lab's API port, signed by the lab's cluster CA. */
export async function createSimKubeconfigs(pki: KubeadmPki, name: string, scenario: Scenario, ports: LabPorts, encryptionAlgorithm: EncryptionAlgorithm = LAB_ENCRYPTION_ALGORITHM): Promise<NodeFiles> {
  const {createKubeadmKubeconfigs} = await import('../../pki/kubeconfig.js')
  return createKubeadmKubeconfigs({
    ca: pki.authorities.kubernetes,
    nodeName: nodeNameFor(name),
    kubernetesVersion: scenario.kubernetesVersion,
    server: `https://${LAB_BIND_ADDRESS}:${ports.apiserverSecure}`,
    encryptionAlgorithm,
  })
}

/** The lab's own folders (logs, run) and the node's files (with kubeadm's modes) that are not manifests. */
export async function writeSimNodeFiles(layout: SimNodeLayout, files: NodeFiles): Promise<void> {
  await Promise.all([mkdir(layout.logsDir, {recursive: true}), mkdir(layout.runDir, {recursive: true})])
  await writeFiles(layout.nodeRoot, files)
}

/**
 * Static pod manifests, each written under a dot-name and renamed into place: the kubelet, watching
 * the folder, ignores dot files and so never reads half a manifest.
 */
export async function writeSimManifests(layout: SimNodeLayout, manifests: NodeFiles): Promise<void> {
  await mkdir(layout.manifestsDir, {recursive: true})
  for (const [nodePath, file] of manifests) {
    const target = hostPathFor(layout.nodeRoot, nodePath)
    const staging = path.join(path.dirname(target), `.${path.basename(target)}.kubelab-tmp`)
    await writeFile(staging, file.contents, {mode: file.mode, flag: 'wx'})
    await chmod(staging, file.mode)
    await rename(staging, target)
  }
}

/** The admin kubeconfig (kubeadm's /etc/kubernetes/admin.conf) on this machine. */
export function adminKubeconfigPath(layout: SimNodeLayout): string {
  return hostPath(layout, KUBEADM_NODE_FILES.admin)
}
