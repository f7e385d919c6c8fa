/** A static pod manifest the kubelet cannot turn into a pod; names the node path and the 1-based line. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError'

  constructor(
    /** Node path of the manifest, e.g. /etc/kubernetes/manifests/etcd.yaml */
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    // The real kubelet logs: "<file>": couldn't parse as pod(<decode error>), please check config file
    super(`${file}:${line}: couldn't parse as pod (${reason}), please check config file`)
  }
}

/** The program a static pod's command names is not installed where the kubelet looks for it. */
export class MissingExecutableError extends Error {
  override readonly name = 'MissingExecutableError'

  constructor(
    readonly executable: string,
    /** Folders searched, in order. */
    readonly searched: readonly string[],
    /** What to run to get it, e.g. "apt-get install etcd-server". */
    readonly installHint: string,
  ) {
    const where = searched.length === 0 ? 'no folder (PATH is empty)' : searched.join(', ')
    super(`executable "${executable}" not found (searched ${where}); install it with: ${installHint}`)
  }
}

/** Another sim kubelet already supervises this lab. */
export class KubeletAlreadyRunningError extends Error {
  override readonly name = 'KubeletAlreadyRunningError'

  constructor(
    readonly pid: number,
    readonly pidFile: string,
  ) {
    super(`a kubelet for this lab is already running (pid ${pid}, from ${pidFile}); stop it first`)
  }
}

/** The kubelet's own command line is wrong. */
export class KubeletUsageError extends Error {
  override readonly name = 'KubeletUsageError'
}
