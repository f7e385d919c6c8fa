import {execFile} from 'node:child_process'
import path from 'node:path'
import {findExecutable} from './kubelet/executables.js'

/** The etcd the sim kubelet will run, as found before anything is written. */
export interface InstalledEtcd {
  path: string
  /** e.g. "3.4.23" */
  version: string
}

export const ETCD_INSTALL_COMMAND = 'apt-get install etcd-server'

/** No etcd in --bin-dir or on PATH: the sim runtime cannot start. */
export class EtcdNotFoundError extends Error {
  readonly installCommand = ETCD_INSTALL_COMMAND
  constructor(readonly searched: readonly string[]) {
    super(
      `etcd is not installed (looked in ${searched.length === 0 ? 'an empty PATH' : searched.join(', ')}). ` +
        `The sim runtime runs the real etcd: install it with \`${ETCD_INSTALL_COMMAND}\` (Debian/Ubuntu), ` +
        'or unpack an etcd release and pass its folder with --bin-dir.',
    )
    this.name = 'EtcdNotFoundError'
  }
}

/** An etcd that does not say which release it is, or one too old for the manifests. */
export class EtcdVersionError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}. Install etcd 3.4 or later with \`${ETCD_INSTALL_COMMAND}\`, or pass a newer one with --bin-dir.`)
    this.name = 'EtcdVersionError'
  }
}

/**
 * Finds etcd where the sim kubelet will look (--bin-dir, then PATH) and asks it its release:
 * `etcd --version` prints "etcd Version: 3.4.23" followed by Git SHA, Go version and OS/Arch lines.
 */
export async function findInstalledEtcd(binDir: string | undefined, searchPath: string | undefined): Promise<InstalledEtcd> {
  const folders = [...(binDir ? [binDir] : []), ...(searchPath ?? '').split(path.delimiter).filter((folder) => folder !== '')]
  const file = await findExecutable('etcd', folders)
  if (!file) throw new EtcdNotFoundError(folders)
  const outcome = await run(file, ['--version'])
  const version = /etcd Version:\s*v?(\d+\.\d+\.\d+)/.exec(outcome.stdout)?.[1]
  if (version === undefined) {
    const said = (outcome.stdout || outcome.stderr || outcome.failure).split('\n')[0]
    throw new EtcdVersionError(file, `\`etcd --version\` did not name a release (it said: ${said})`)
  }
  const [major, minor] = version.split('.').map(Number)
  if (major !== 3 || (minor ?? 0) < 4) throw new EtcdVersionError(file, `etcd ${version} is too old`)
  return {path: file, version}
}

/** A short command's output; never rejects (a failure is reported in the text). */
function run(file: string, args: readonly string[]): Promise<{stdout: string; stderr: string; failure: string}> {
  return new Promise((resolve) => {
    execFile(file, args, {timeout: 5000}, (error, stdout, stderr) => resolve({stdout, stderr, failure: error ? error.message : ''}))
  })
}
