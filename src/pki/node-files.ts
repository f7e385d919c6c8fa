/** A file to lay on a node: its text and the mode kubeadm (or the kubelet) gives it. */
export interface NodeFile {
  contents: string
  mode: number
}

/** Files keyed by absolute node path, e.g. /etc/kubernetes/pki/ca.crt. */
export type NodeFiles = Map<string, NodeFile>

/** certutil.WriteCert writes certificates 0644. */
export const CERTIFICATE_MODE = 0o644
/** keyutil.WriteKey writes private keys, and also sa.pub, 0600; clientcmd writes kubeconfigs 0600. */
export const PRIVATE_MODE = 0o600

export function certificateFile(contents: string): NodeFile {
  return {contents, mode: CERTIFICATE_MODE}
}

export function privateFile(contents: string): NodeFile {
  return {contents, mode: PRIVATE_MODE}
}
