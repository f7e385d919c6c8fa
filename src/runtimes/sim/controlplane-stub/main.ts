// kubelab's stand-in for kube-controller-manager and kube-scheduler when no real binary is given:
// `node dist/runtimes/sim/controlplane-stub/main.js kube-scheduler --flag=value …`
// It takes the real component's flags, fails like it on a bad flag or a missing file, serves
// /healthz over HTTPS on --bind-address:--secure-port, and otherwise does nothing until SIGTERM.
import {readFile} from 'node:fs/promises'
import type {Server} from 'node:https'
import {isIP} from 'node:net'
import type {SecureVersion} from 'node:tls'
import {createSelfSignedCertificate} from '../../../pki/certificates.js'
import {klogHeader, type LogSeverity} from '../kubelet/kubelet-log.js'
import {KUBERNETES_VERSION_ENV, NODE_ROOT_ENV} from '../kubelet/launch-spec.js'
import {toNodePath} from '../kubelet/node-paths.js'
import {DEFAULT_SECURE_PORT, STUB_COMPONENTS, type StubComponent} from './flag-tables.js'
import {FlagParseError, parseComponentFlags, type ParsedFlags} from './flags.js'
import {MissingFileError, checkRequiredFiles} from './required-files.js'
import {DEFAULT_ALWAYS_ALLOW_PATHS, startHealthServer} from './server.js'

const TLS_VERSIONS: Readonly<Record<string, SecureVersion>> = {
  VersionTLS10: 'TLSv1',
  VersionTLS11: 'TLSv1.1',
  VersionTLS12: 'TLSv1.2',
  VersionTLS13: 'TLSv1.3',
}

/** klog lines on stderr, which the kubelet appends to logs/<component>.log. */
function log(severity: LogSeverity, source: string, message: string, fields: Record<string, string> = {}): void {
  const pairs = Object.entries(fields).map(([key, value]) => ` ${key}=${JSON.stringify(value)}`)
  process.stderr.write(`${klogHeader(severity, new Date())} ${source}] ${JSON.stringify(message)}${pairs.join('')}\n`)
}

/** What the real component does with an error from its Run function: log it and exit 1. */
function commandFailed(error: string): never {
  log('E', 'run.go:72', 'command failed', {err: error})
  process.exit(1)
}

function usage(component: StubComponent): string {
  return `Usage:\n  ${component} [flags]\n\n(kubelab's simulated ${component} takes the real one's flags; see \`${component} --help\` on a real node for the list.)\n`
}

async function main(): Promise<void> {
  const [componentArg, ...args] = process.argv.slice(2)
  const component = STUB_COMPONENTS.find((name) => name === componentArg)
  if (component === undefined) {
    process.stderr.write(`usage: node controlplane-stub/main.js {${STUB_COMPONENTS.join('|')}} [flags]\n`)
    process.exit(2)
  }
  let flags: ParsedFlags
  try {
    flags = parseComponentFlags(component, args)
  } catch (error) {
    if (!(error instanceof FlagParseError)) throw error
    process.stderr.write(`Error: ${error.message}\n${usage(component)}`)
    process.exit(1)
  }
  const version = `v${(process.env[KUBERNETES_VERSION_ENV] ?? '').replace(/^v/, '') || '0.0.0-kubelab'}`
  if (flags.help) {
    process.stdout.write(usage(component))
    process.exit(0)
  }
  if (flags.version !== undefined) {
    process.stdout.write(`Kubernetes ${version}\n`)
    process.exit(0)
  }

  const idle = component === 'kube-scheduler' ? 'schedules no pods' : 'runs no controllers'
  log('W', 'kubelab', `This ${component} is kubelab's simulation: it checks its flags and files and serves /healthz, but ${idle}`, {version})
  const nodeRoot = process.env[NODE_ROOT_ENV]
  const show = (file: string): string => (nodeRoot ? toNodePath(file, nodeRoot) : file)
  try {
    await checkRequiredFiles(component, flags.values, show)
  } catch (error) {
    if (error instanceof MissingFileError) commandFailed(error.message)
    throw error
  }

  const server = await serve(component, flags)
  const stop = (): void => {
    if (!server) process.exit(0)
    log('I', 'secure_serving.go:258', 'Stopped listening')
    server.close(() => process.exit(0))
    server.closeAllConnections()
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  if (!server) setInterval(() => undefined, 1 << 30)
}

async function serve(component: StubComponent, flags: ParsedFlags): Promise<Server | undefined> {
  const port = Number(flags.values.get('secure-port') ?? DEFAULT_SECURE_PORT[component])
  if (port === 0) {
    log('I', 'kubelab', '--secure-port is 0: not serving HTTPS')
    return undefined
  }
  const requested = flags.values.get('bind-address') ?? '0.0.0.0'
  // kubelab's deliberately weak components listen on loopback only: a learner's 0.0.0.0 (or a host
  // address) is served on 127.0.0.1, and the log says so.
  const host = isLoopback(requested) ? requested : '127.0.0.1'
  if (host !== requested) log('W', 'kubelab', `--bind-address=${requested} is not a loopback address; kubelab listens on ${host} instead`)
  const minVersionFlag = flags.values.get('tls-min-version')
  const minVersion = minVersionFlag === undefined || minVersionFlag === '' ? 'TLSv1.2' : TLS_VERSIONS[minVersionFlag]
  if (minVersion === undefined) commandFailed(`unknown tls version "${minVersionFlag}": use one of ${Object.keys(TLS_VERSIONS).join(', ')}`)
  if (flags.values.has('tls-cipher-suites')) log('W', 'kubelab', '--tls-cipher-suites is accepted but not applied by the simulation')

  const certificate = await servingCertificate(flags, host)
  try {
    const server = await startHealthServer({
      host,
      port,
      ...certificate,
      minVersion,
      alwaysAllowPaths: flags.values.get('authorization-always-allow-paths')?.split(',') ?? DEFAULT_ALWAYS_ALLOW_PATHS,
    })
    log('I', 'secure_serving.go:213', 'Serving securely on ' + `${host.includes(':') ? `[${host}]` : host}:${port}`)
    return server
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'EADDRINUSE' ? 'address already in use' : code === 'EADDRNOTAVAIL' ? 'cannot assign requested address' : (error as Error).message
    commandFailed(`failed to create listener: failed to listen on ${host}:${port}: listen tcp ${host}:${port}: bind: ${reason}`)
  }
}

function isLoopback(address: string): boolean {
  return address === '::1' || (isIP(address) === 4 && address.startsWith('127.'))
}

/** --tls-cert-file/--tls-private-key-file, else a self-signed certificate made in memory, as the real ones do. */
async function servingCertificate(flags: ParsedFlags, host: string): Promise<{certificatePem: string; privateKeyPem: string}> {
  const certFile = flags.values.get('tls-cert-file')
  const keyFile = flags.values.get('tls-private-key-file')
  if (certFile && keyFile) return {certificatePem: await readFile(certFile, 'utf8'), privateKeyPem: await readFile(keyFile, 'utf8')}
  // The real ones' GenerateSelfSignedCertKey: CN localhost@<unix time>, SANs localhost and the bind address, RSA-2048.
  const generated = await createSelfSignedCertificate({
    commonName: `localhost@${Math.floor(Date.now() / 1000)}`,
    dnsNames: ['localhost'],
    ipAddresses: [host],
    usage: 'server',
    encryptionAlgorithm: 'RSA-2048',
  })
  log('I', 'serving.go:386', 'Generated self-signed cert in-memory')
  return generated
}

main().catch((error: unknown) => commandFailed(error instanceof Error ? error.message : String(error)))
