import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {execa, type ResultPromise} from 'execa'
import {freePort, waitForPort} from './ports.js'

/** Paths of PEM files; etcd reads them itself. */
export interface EtcdTlsFiles {
  certFile: string
  keyFile: string
  /** --trusted-ca-file: etcd then demands client certificates whatever --client-cert-auth says. */
  trustedCaFile?: string
  clientCertAuth?: boolean
}

export interface EtcdOptions {
  client?: EtcdTlsFiles | {autoTls: true}
  peer?: EtcdTlsFiles | {autoTls: true}
  extraArgs?: string[]
}

export interface RunningEtcd {
  clientUrl: string
  peerUrl: string
  clientPort: number
  peerPort: number
  dataDir: string
  args: string[]
  log(): string
  stop(): Promise<void>
}

/** Starts the real etcd binary (Debian's etcd-server) on free loopback ports with its own data folder. */
export async function startEtcd(options: EtcdOptions = {}): Promise<RunningEtcd> {
  const [clientPort, peerPort] = [await freePort(), await freePort()]
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kubelab-etcd-'))
  const clientScheme = options.client ? 'https' : 'http'
  const peerScheme = options.peer ? 'https' : 'http'
  const clientUrl = `${clientScheme}://127.0.0.1:${clientPort}`
  const peerUrl = `${peerScheme}://127.0.0.1:${peerPort}`
  const args = [
    '--name=test',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=test=${peerUrl}`,
    `--auto-compaction-retention=0`,
    ...tlsArgs('', options.client),
    ...tlsArgs('peer-', options.peer),
    ...(options.extraArgs ?? []),
  ]
  let output = ''
  const child: ResultPromise = execa('etcd', args, {reject: false, all: true})
  child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  try {
    await waitForPort(clientPort, 10_000)
  } catch (error) {
    child.kill('SIGKILL')
    await child
    await rm(dataDir, {recursive: true, force: true})
    throw new Error(`etcd did not start: ${(error as Error).message}\n${output}`)
  }
  return {
    clientUrl,
    peerUrl,
    clientPort,
    peerPort,
    dataDir,
    args,
    log: () => output,
    async stop() {
      child.kill('SIGTERM')
      await child
      await rm(dataDir, {recursive: true, force: true})
    },
  }
}

function tlsArgs(prefix: '' | 'peer-', tls: EtcdOptions['client']): string[] {
  if (!tls) return []
  if ('autoTls' in tls) return [`--${prefix}auto-tls=true`]
  return [
    `--${prefix}cert-file=${tls.certFile}`,
    `--${prefix}key-file=${tls.keyFile}`,
    ...(tls.trustedCaFile ? [`--${prefix}trusted-ca-file=${tls.trustedCaFile}`] : []),
    ...(tls.clientCertAuth === undefined ? [] : [`--${prefix}client-cert-auth=${tls.clientCertAuth}`]),
  ]
}
