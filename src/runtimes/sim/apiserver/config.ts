/**
 * Turns parsed flags into a validated, loaded configuration, failing with the real binary's texts: validation
 * errors aggregated as Go's utilerrors.NewAggregate prints them, then file loading in the real order (service-account
 * signing key, service-account keys, serving certificate, client CA, token file).
 */
import {createPrivateKey, createPublicKey, X509Certificate, type KeyObject} from 'node:crypto'
import {createSecureContext} from 'node:tls'
import {StaticTokenAuthenticator} from './auth/token-file.js'
import {VALID_AUTHORIZATION_MODES} from './authz/authorizer.js'
import {AggregateStartupError, StartupError} from './errors.js'
import {FileReadError, readFlagFile} from './files.js'
import type {ApiserverFlags} from './flags.js'
import type {Klog} from './log.js'
import {atLeast, type KubeVersion} from './version.js'

export const DEFAULT_SERVICE_CLUSTER_IP_RANGE = '10.0.0.0/24'

export interface LoadedConfig {
  flags: ApiserverFlags
  version: KubeVersion
  serving?: {cert: Buffer; key: Buffer}
  clientCa?: Buffer
  staticTokens?: StaticTokenAuthenticator
  serviceAccountPublicKeys: KeyObject[]
  signingKey?: KeyObject
  /** --anonymous-auth after the AlwaysAllow reset. */
  anonymous: boolean
  apiAudiences: string[]
  serviceClusterIpRange: string
}

function goStringSliceQuoted(items: string[]): string {
  return `[${items.map((item) => JSON.stringify(item)).join(' ')}]`
}

export function validateFlags(flags: ApiserverFlags, version: KubeVersion): StartupError[] {
  const errors: StartupError[] = []
  if (flags.etcdServers.length === 0) errors.push(new StartupError('--etcd-servers must be specified', 'etcd-servers'))
  if (atLeast(version, 1, 20)) {
    if (flags.securePort < 1 || flags.securePort > 65535) {
      errors.push(new StartupError(`--secure-port ${flags.securePort} must be between 1 and 65535, inclusive. It cannot be turned off with 0`, 'secure-port'))
    }
  } else if (flags.securePort < 0 || flags.securePort > 65535) {
    errors.push(new StartupError(`--secure-port ${flags.securePort} must be between 0 and 65535, inclusive. 0 for turning off secure port`, 'secure-port'))
  }
  if (atLeast(version, 1, 20)) {
    for (const name of ['insecure-port', 'port']) {
      if (!flags.given.has(name)) continue
      const value = name === 'insecure-port' || !flags.given.has('insecure-port') ? flags.insecurePort : 0
      if (value !== 0) errors.push(new StartupError(`invalid port value ${value}: only zero is allowed`, name))
    }
  } else if (flags.insecurePort < 0 || flags.insecurePort > 65535) {
    errors.push(
      new StartupError(`--insecure-port ${flags.insecurePort} must be between 0 and 65535, inclusive. 0 for turning off insecure (HTTP) port`, 'insecure-port'),
    )
  }
  if (atLeast(version, 1, 20) && flags.serviceAccountIssuers.length === 0) {
    errors.push(new StartupError('service-account-issuer is a required flag', 'service-account-issuer'))
  }
  const modes = flags.authorizationModes
  if (modes.length === 0) errors.push(new StartupError('at least one authorization-mode must be passed', 'authorization-mode'))
  for (const mode of modes) {
    if (!(VALID_AUTHORIZATION_MODES as readonly string[]).includes(mode)) {
      errors.push(new StartupError(`authorization-mode ${JSON.stringify(mode)} is not a valid mode`, 'authorization-mode'))
    }
    if (mode === 'ABAC' && !flags.given.has('authorization-policy-file')) {
      errors.push(new StartupError("authorization-mode ABAC's authorization policy file not passed", 'authorization-mode'))
    }
    if (mode === 'Webhook' && !flags.given.has('authorization-webhook-config-file')) {
      errors.push(new StartupError("authorization-mode Webhook's authorization config file not passed", 'authorization-mode'))
    }
  }
  if (new Set(modes).size !== modes.length) {
    errors.push(new StartupError(`authorization-mode ${goStringSliceQuoted(modes)} has mode specified more than once`, 'authorization-mode'))
  }
  if (atLeast(version, 1, 20)) {
    const attempted = flags.serviceAccountSigningKeyFile !== undefined || flags.serviceAccountIssuers.length > 0 || flags.apiAudiences.length > 0
    if (!attempted) {
      errors.push(new StartupError('--service-account-signing-key-file and --service-account-issuer are required flags', 'service-account-signing-key-file'))
    } else if (flags.serviceAccountSigningKeyFile === undefined || flags.serviceAccountIssuers.length === 0) {
      errors.push(
        new StartupError(
          '--service-account-signing-key-file, --service-account-issuer, and --api-audiences should be specified together',
          'service-account-signing-key-file',
        ),
      )
    }
  }
  return errors
}

function pemBlocks(text: string): Array<{label: string; pem: string}> {
  return [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)].map((match) => ({label: match[1] ?? '', pem: match[0]}))
}

/** keyutil.ParsePublicKeysPEM: public keys, certificates' keys, and the public halves of private keys. */
export function publicKeysFromPem(text: string): KeyObject[] {
  const keys: KeyObject[] = []
  for (const block of pemBlocks(text)) {
    try {
      if (block.label === 'CERTIFICATE') keys.push(new X509Certificate(block.pem).publicKey)
      else if (block.label.endsWith('PRIVATE KEY')) keys.push(createPublicKey(createPrivateKey(block.pem)))
      else if (block.label.endsWith('PUBLIC KEY')) keys.push(createPublicKey(block.pem))
    } catch {
      // keyutil skips blocks it cannot parse.
    }
  }
  return keys.filter((key) => key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'ec')
}

async function readFor(flag: string, path: string, wrap: (goMessage: string) => string = (message) => message): Promise<Buffer> {
  try {
    return await readFlagFile(path)
  } catch (error) {
    if (error instanceof FileReadError) throw new StartupError(wrap(error.goMessage), flag, path)
    throw error
  }
}

export async function loadConfig(flags: ApiserverFlags, version: KubeVersion, log: Klog): Promise<LoadedConfig> {
  let anonymous = flags.anonymousAuth
  if (anonymous && flags.authorizationModes.includes('AlwaysAllow')) {
    log.warning(
      'authentication.go:520',
      'AnonymousAuth is not allowed with the AlwaysAllow authorizer. Resetting AnonymousAuth to false. You should use a different authorizer',
    )
    anonymous = false
  }
  const errors = validateFlags(flags, version)
  if (errors.length > 0) throw new AggregateStartupError(errors)

  let signingKey: KeyObject | undefined
  if (flags.serviceAccountSigningKeyFile !== undefined && flags.serviceAccountIssuers.length > 0) {
    const path = flags.serviceAccountSigningKeyFile
    const pem = await readFor('service-account-signing-key-file', path, (message) => `failed to parse service-account-issuer-key-file: ${message}`)
    try {
      signingKey = createPrivateKey(pem)
    } catch {
      throw new StartupError(
        'failed to parse service-account-issuer-key-file: data does not contain a valid RSA or ECDSA private key',
        'service-account-signing-key-file',
        path,
      )
    }
  }

  let keyFiles = flags.serviceAccountKeyFiles
  if (keyFiles.length === 0 && flags.tlsPrivateKeyFile !== undefined) keyFiles = [flags.tlsPrivateKeyFile]
  if (keyFiles.length === 0) log.warning('options.go:318', 'No TLS key provided, service account token authentication disabled')
  const serviceAccountPublicKeys: KeyObject[] = []
  for (const path of keyFiles) {
    const pem = await readFor('service-account-key-file', path)
    const keys = publicKeysFromPem(pem.toString('utf8'))
    if (keys.length === 0) {
      throw new StartupError(
        `error reading public key file ${path}: data does not contain any valid RSA or ECDSA public keys`,
        'service-account-key-file',
        path,
      )
    }
    serviceAccountPublicKeys.push(...keys)
  }

  let serving: LoadedConfig['serving']
  if (flags.securePort !== 0) {
    if (flags.tlsCertFile === undefined || flags.tlsPrivateKeyFile === undefined) {
      throw new StartupError(
        'the kubelab sim needs --tls-cert-file and --tls-private-key-file (the real binary would generate a self-signed certificate in --cert-dir)',
        flags.tlsCertFile === undefined ? 'tls-cert-file' : 'tls-private-key-file',
      )
    }
    const cert = await readFor('tls-cert-file', flags.tlsCertFile)
    const key = await readFor('tls-private-key-file', flags.tlsPrivateKeyFile)
    try {
      createSecureContext({cert, key})
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      const message = /key values mismatch|does not match/i.test(reason)
        ? 'tls: private key does not match public key'
        : pemBlocks(cert.toString('utf8')).length === 0
          ? 'tls: failed to find any PEM data in certificate input'
          : `tls: failed to load the key pair: ${reason}`
      throw new StartupError(`unable to load server certificate: ${message}`, 'tls-cert-file', flags.tlsCertFile)
    }
    serving = {cert, key}
  }

  let clientCa: Buffer | undefined
  if (flags.clientCaFile !== undefined) {
    const path = flags.clientCaFile
    clientCa = await readFor('client-ca-file', path, (message) => `unable to load client CA file ${JSON.stringify(path)}: ${message}`)
    const certificates = pemBlocks(clientCa.toString('utf8')).filter((block) => block.label === 'CERTIFICATE')
    if (certificates.length === 0) {
      throw new StartupError(`unable to load client CA file ${JSON.stringify(path)}: data does not contain any valid RSA or ECDSA certificates`, 'client-ca-file', path)
    }
  }

  let staticTokens: StaticTokenAuthenticator | undefined
  if (flags.tokenAuthFile !== undefined) {
    const text = await readFor('token-auth-file', flags.tokenAuthFile)
    staticTokens = StaticTokenAuthenticator.fromCsv(flags.tokenAuthFile, text.toString('utf8'))
  }

  let serviceClusterIpRange = flags.serviceClusterIpRange
  if (serviceClusterIpRange === undefined) {
    log.warning(
      'services.go:37',
      `No CIDR for service cluster IPs specified. Default value which was ${DEFAULT_SERVICE_CLUSTER_IP_RANGE} is deprecated and will be removed in future releases. Please specify it using --service-cluster-ip-range on kube-apiserver.`,
    )
    serviceClusterIpRange = DEFAULT_SERVICE_CLUSTER_IP_RANGE
  }

  return {
    flags,
    version,
    serving,
    clientCa,
    staticTokens,
    serviceAccountPublicKeys,
    signingKey,
    anonymous,
    apiAudiences: flags.apiAudiences.length > 0 ? flags.apiAudiences : flags.serviceAccountIssuers,
    serviceClusterIpRange,
  }
}
