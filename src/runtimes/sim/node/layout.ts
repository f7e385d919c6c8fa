import path from 'node:path'

/**
 * Where one sim lab keeps its node on disk. The node root mirrors a kubeadm node at its real paths
 * (etc/kubernetes/manifests, etc/kubernetes/pki, var/lib/kubelet, var/lib/etcd), so a learner edits
 * the same files as on a real node and the auditor reads them with the same node access.
 */
export interface SimNodeLayout {
  /** labs/<name> */
  labDir: string
  /** labs/<name>/node — the node's "/" */
  nodeRoot: string
  /** labs/<name>/logs — one <component>.log per static pod plus kubelet.log */
  logsDir: string
  /** labs/<name>/run — the supervisor's pid file, status.json and per-component records */
  runDir: string
  /** labs/<name>/run/status.json — written by the sim kubelet, read by `kubelab status` */
  statusFile: string
  /** labs/<name>/run/kubelet.pid */
  kubeletPidFile: string
  manifestsDir: string
}

/**
 * `nodeRoot` defaults to labs/<name>/node. A node that owns a whole machine (the kind-compatible
 * node container, whose "/" is the node's) passes "/" and keeps only logs and run files in labDir.
 */
export function simNodeLayout(labDir: string, nodeRoot: string = defaultNodeRoot(labDir)): SimNodeLayout {
  const runDir = path.join(labDir, 'run')
  return {
    labDir,
    nodeRoot,
    logsDir: path.join(labDir, 'logs'),
    runDir,
    statusFile: path.join(runDir, 'status.json'),
    kubeletPidFile: path.join(runDir, 'kubelet.pid'),
    manifestsDir: path.join(nodeRoot, 'etc/kubernetes/manifests'),
  }
}

export function defaultNodeRoot(labDir: string): string {
  return path.join(labDir, 'node')
}

/** A node path (/etc/kubernetes/pki/ca.crt) as a path on this machine inside the lab's node root. */
export function hostPath(layout: SimNodeLayout, nodePath: string): string {
  return path.join(layout.nodeRoot, path.posix.normalize('/' + nodePath))
}

/** Node folders whose paths the supervisor rewrites into the node root when it starts a component. */
export const NODE_PATH_PREFIXES = ['/etc/kubernetes', '/var/lib/etcd', '/var/lib/kubelet', '/var/log/kubernetes', '/etc/ssl/certs', '/etc/pki', '/usr/share/ca-certificates', '/usr/local/share/ca-certificates'] as const
