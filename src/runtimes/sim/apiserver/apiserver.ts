/**
 * Starts the simulated kube-apiserver from its command line: flags → validation and files → etcd → bootstrap
 * objects → listeners. Errors carry the real binary's text and exit code (see errors.ts); main.ts prints them.
 */
import type {ApiContext} from './api/context.js'
import {ResourceRegistry} from './api/resources.js'
import type {AuthenticationChain} from './auth/authenticate.js'
import {BootstrapTokenAuthenticator} from './auth/bootstrap-token.js'
import {ServiceAccountAuthenticator} from './auth/service-account.js'
import {buildAuthorizer} from './authz/authorizer.js'
import {bootstrapCluster} from './bootstrap.js'
import {loadConfig} from './config.js'
import {apiserverFlags, parseCommandLine} from './flags.js'
import type {Klog} from './log.js'
import {listenInsecure, listenSecure, type RunningListener} from './server/listeners.js'
import {handleRequest} from './server/pipeline.js'
import {connectEtcd, startupTimeoutMs} from './storage/etcd-connect.js'
import {ObjectStore} from './storage/store.js'
import {versionFromEnv, type KubeVersion} from './version.js'

export interface RunningApiserver {
  version: KubeVersion
  secure?: RunningListener
  insecure?: RunningListener
  stop(): Promise<void>
}

export async function startApiserver(argv: readonly string[], env: NodeJS.ProcessEnv, log: Klog): Promise<RunningApiserver> {
  const version = versionFromEnv(env)
  const parsed = parseCommandLine(argv, version)
  // etcd3 (grpc-js) takes a few hundred milliseconds to load: start now, in parallel with reading the files.
  import('etcd3').catch(() => undefined)
  for (const notice of parsed.deprecationNotices) log.raw(notice)
  const flags = apiserverFlags(parsed, version)
  const advertiseAddress = flags.advertiseAddress ?? flags.bindAddress
  if (flags.advertiseAddress === undefined) log.info('server.go:565', `external host was not specified, using ${advertiseAddress}`)
  const config = await loadConfig(flags, version, log)
  log.info('server.go:163', `Version: ${version.gitVersion}`)

  const client = await connectEtcd(
    {servers: flags.etcdServers, caFile: flags.etcdCaFile, certFile: flags.etcdCertFile, keyFile: flags.etcdKeyFile},
    log,
    startupTimeoutMs(env),
  )
  const store = new ObjectStore(client, flags.etcdPrefix)
  const registry = new ResourceRegistry(version)
  const get = (resource: string) => (namespace: string, name: string) => store.get(registry.byResource('', resource), namespace, name)
  const authentication: AuthenticationChain = {
    clientCertificates: config.clientCa !== undefined,
    staticTokens: config.staticTokens,
    serviceAccounts:
      config.serviceAccountPublicKeys.length > 0
        ? new ServiceAccountAuthenticator({
            publicKeys: config.serviceAccountPublicKeys,
            issuers: flags.serviceAccountIssuers,
            audiences: config.apiAudiences,
            lookup: flags.serviceAccountLookup,
            objects: {serviceAccount: get('serviceaccounts'), secret: get('secrets'), pod: get('pods')},
          })
        : undefined,
    bootstrapTokens: flags.enableBootstrapTokenAuth ? new BootstrapTokenAuthenticator(get('secrets')) : undefined,
    anonymous: config.anonymous,
  }
  const issuer = flags.serviceAccountIssuers[0]
  const context: ApiContext = {
    version,
    store,
    registry,
    authentication,
    authorizer: buildAuthorizer(flags.authorizationModes, store, registry),
    log,
    serviceClusterIpRange: config.serviceClusterIpRange,
    tokenIssuing:
      config.signingKey && issuer !== undefined
        ? {
            signingKey: config.signingKey,
            issuer,
            apiAudiences: config.apiAudiences,
            maxExpirationSeconds: flags.serviceAccountMaxTokenExpirationSeconds,
          }
        : undefined,
  }
  for (const mode of flags.authorizationModes.filter((candidate) => candidate === 'ABAC' || candidate === 'Webhook')) {
    log.warning('authorization.go:1', `kubelab sim: authorization mode ${mode} is accepted but not evaluated (no opinion)`)
  }

  try {
    await bootstrapCluster(context, {advertiseAddress, securePort: flags.securePort})
  } catch (error) {
    client.close()
    throw error
  }

  const listeners: RunningListener[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(listeners.map((listener) => listener.close()))
    client.close()
  }
  const serverAddress = `${advertiseAddress}:${flags.securePort}`
  const commandLine = [process.argv[1] ?? 'kube-apiserver', ...argv]
  let secure: RunningListener | undefined
  let insecure: RunningListener | undefined
  try {
    if (config.serving) {
      secure = await listenSecure({
        host: flags.bindAddress,
        port: flags.securePort,
        cert: config.serving.cert,
        key: config.serving.key,
        clientCa: config.clientCa,
        handler: (request, response) =>
          void handleRequest(context, {authenticated: true, nonResource: {profiling: flags.profiling, serverAddress, commandLine}}, request, response),
      })
      listeners.push(secure)
      log.info('secure_serving.go:210', `Serving securely on ${hostPort(secure)}`)
    }
    if (flags.insecurePort !== 0) {
      insecure = await listenInsecure(flags.insecureBindAddress, flags.insecurePort, (request, response) =>
        void handleRequest(context, {authenticated: false, nonResource: {profiling: flags.profiling, serverAddress, commandLine}}, request, response),
      )
      listeners.push(insecure)
      log.info('deprecated_insecure_serving.go:53', `Serving insecurely on ${hostPort(insecure)}`)
    }
  } catch (error) {
    await stop()
    throw error
  }
  return {version, secure, insecure, stop}
}

function hostPort(listener: RunningListener): string {
  return listener.host.includes(':') ? `[${listener.host}]:${listener.port}` : `${listener.host}:${listener.port}`
}
