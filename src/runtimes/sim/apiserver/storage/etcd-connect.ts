/**
 * Connects to --etcd-servers the way the real apiserver's storage factory does: TLS material from --etcd-cafile,
 * --etcd-certfile and --etcd-keyfile, a health read retried until a deadline, then a klog.Fatal and exit 255
 * ("Error creating leases: error creating storage factory: context deadline exceeded") when etcd stays unreachable.
 */
import {readFile} from 'node:fs/promises'
import type {Etcd3, IOptions} from 'etcd3'
import {FatalStartupError} from '../errors.js'
import type {Klog} from '../log.js'
import {goFileError} from '../files.js'

export const ETCD_STARTUP_TIMEOUT_ENV = 'KUBELAB_ETCD_STARTUP_TIMEOUT_MS'
const DEFAULT_STARTUP_TIMEOUT_MS = 5000
const FATAL_SOURCE = 'instance.go:291'

export interface EtcdConnectionSettings {
  servers: string[]
  caFile?: string
  certFile?: string
  keyFile?: string
}

type HostPolicy = ReturnType<NonNullable<NonNullable<IOptions['faultHandling']>['host']>>

/**
 * A policy that runs each call once. etcd3's defaults (3 retries, then a 5 s circuit breaker) would hide a broken
 * etcd from the learner and keep the apiserver failing for seconds after etcd is back.
 */
class RunOncePolicy implements HostPolicy {
  declare readonly _altReturn: never
  readonly onSuccess = (): {dispose(): void} => ({dispose: () => undefined})
  readonly onFailure = (): {dispose(): void} => ({dispose: () => undefined})
  async execute<T>(fn: (context: {signal: AbortSignal}) => PromiseLike<T> | T): Promise<T> {
    return fn({signal: new AbortController().signal})
  }
}

export function startupTimeoutMs(env: NodeJS.ProcessEnv): number {
  const value = Number(env[ETCD_STARTUP_TIMEOUT_ENV])
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_STARTUP_TIMEOUT_MS
}

function storageFactoryError(detail: string): FatalStartupError {
  return new FatalStartupError(`Error creating leases: error creating storage factory: ${detail}`, FATAL_SOURCE)
}

async function readTlsFile(path: string | undefined): Promise<Buffer | undefined> {
  if (path === undefined) return undefined
  try {
    return await readFile(path)
  } catch (error) {
    throw storageFactoryError(goFileError('open', path, error))
  }
}

export async function connectEtcd(
  settings: EtcdConnectionSettings,
  log: Klog,
  timeoutMs: number,
): Promise<Etcd3> {
  const [ca, cert, key] = await Promise.all([
    readTlsFile(settings.caFile),
    readTlsFile(settings.certFile),
    readTlsFile(settings.keyFile),
  ])
  const secure = settings.servers.some((server) => server.startsWith('https://'))
  const {Etcd3} = await import('etcd3')
  const policy = new RunOncePolicy()
  const options: IOptions = {
    hosts: settings.servers,
    dialTimeout: Math.min(timeoutMs, 2000),
    faultHandling: {host: () => policy, global: policy},
  }
  if (secure) {
    // grpc-js falls back to the system roots when no CA is given, as Go does.
    options.credentials = {rootCertificate: ca ?? Buffer.alloc(0), ...(cert ? {certChain: cert} : {}), ...(key ? {privateKey: key} : {})}
    if (!ca) delete options.credentials
  }
  const client = new Etcd3(options)
  const deadline = Date.now() + timeoutMs
  let lastMessage = ''
  for (;;) {
    const attemptDeadline = Math.min(deadline, Date.now() + 1000)
    try {
      await client.get('health').options({deadline: attemptDeadline}).buffer()
      return client
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      if (message !== lastMessage) {
        log.warning(
          'logging.go:59',
          `[core] grpc: addrConn.createTransport failed to connect to {${settings.servers.join(',')}}. Err: connection error: desc = ${JSON.stringify(message)}`,
        )
        lastMessage = message
      }
    }
    if (Date.now() >= deadline) {
      client.close()
      throw storageFactoryError('context deadline exceeded')
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
