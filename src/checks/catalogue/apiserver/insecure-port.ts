import type {HttpProbeResult} from '../../../probes/types.js'
import {flagEvidence} from '../../config/evidence.js'
import type {FlagSetting, StaticPodConfig} from '../../../node-config/types.js'
import {clusterVersion} from '../../config/version.js'
import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {endpointUrl, isClosed, probeOnce, wireEvidence} from '../../wire.js'
import {configEvidence, foundConfig, insecureServingEra, readApiserverConfig, type InsecureServingEra} from './apiserver-config.js'
import {jsonKind, NO_CREDENTIALS} from './requests.js'

/** kube-apiserver ≤1.19 defaults (`kube-apiserver --help`): --insecure-port 8080 on --insecure-bind-address 127.0.0.1. */
const DEFAULT_INSECURE_PORT = '8080'
const DEFAULT_INSECURE_BIND_ADDRESS = '127.0.0.1'
/** Go's net/http answer to plain HTTP on a TLS port. */
const TLS_ONLY_ANSWER = 'Client sent an HTTP request to an HTTPS server'

/** The effective insecure port and bind address, each from its flag or its deprecated alias (--port, --address). */
interface InsecureServing {
  port: {flag: string; setting: FlagSetting | undefined}
  bind: {flag: string; setting: FlagSetting | undefined}
}

function insecureServing(config: StaticPodConfig): InsecureServing {
  const port = config.flags.get('insecure-port') ? 'insecure-port' : config.flags.get('port') ? 'port' : 'insecure-port'
  const bind = config.flags.get('insecure-bind-address') ? 'insecure-bind-address' : config.flags.get('address') ? 'address' : 'insecure-bind-address'
  return {port: {flag: port, setting: config.flags.get(port)}, bind: {flag: bind, setting: config.flags.get(bind)}}
}

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || address.startsWith('127.')
}

function bindReach(address: string): string {
  if (isLoopback(address)) return 'only processes on the node reach it (and every hostNetwork pod) — each of them is cluster-admin'
  if (address === '0.0.0.0' || address === '::' || address === '') return 'it listens on every interface: anyone who can reach the node is cluster-admin'
  return `it listens on ${address}: anyone who can reach that address is cluster-admin`
}

function servingEvidence(config: StaticPodConfig, era: InsecureServingEra, version: string | undefined): ConfigEvidence[] {
  const {port, bind} = insecureServing(config)
  const shown = version ?? 'of unknown version'
  if (era === 'inert' || era === 'removed') {
    const removedNote = `kube-apiserver ${shown} refuses to start: "Error: unknown flag: --${port.flag}"; remove it (the flag was removed in 1.24)`
    const portEvidence = !port.setting
      ? flagEvidence(port.flag, undefined, () => 'pass', {
          note:
            era === 'removed'
              ? `not set; the flag was removed in 1.24 and kube-apiserver ${shown} serves only TLS`
              : `not set; kube-apiserver ${shown} never serves plain HTTP (the flag accepts only 0 since 1.20)`,
        })
      : era === 'removed'
        ? flagEvidence(port.flag, port.setting, () => 'error', {note: removedNote})
        : port.setting.value === '0'
          ? flagEvidence(port.flag, port.setting, () => 'pass', {note: `kube-apiserver ${shown} never serves plain HTTP; the flag is inert and was removed in 1.24`})
          : flagEvidence(port.flag, port.setting, () => 'error', {
              note: `kube-apiserver ${shown} refuses to start: "Error: invalid port value ${port.setting.value}: only zero is allowed"; remove the flag`,
            })
    const evidence = [portEvidence]
    if (bind.setting) {
      evidence.push(
        era === 'removed'
          ? flagEvidence(bind.flag, bind.setting, () => 'error', {note: `kube-apiserver ${shown} refuses to start: "Error: unknown flag: --${bind.flag}"; remove it`})
          : flagEvidence(bind.flag, bind.setting, () => 'pass', {note: 'has no effect since 1.20; remove it before upgrading to 1.24, which refuses it'}),
      )
    }
    return evidence
  }

  const portValue = port.setting?.value ?? DEFAULT_INSECURE_PORT
  const bindValue = bind.setting?.value ?? DEFAULT_INSECURE_BIND_ADDRESS
  const portNumber = Number(portValue)
  if (!/^\d+$/.test(portValue) || portNumber > 65535) {
    return [flagEvidence(port.flag, port.setting, () => 'error', {note: `kube-apiserver refuses to start: ${JSON.stringify(portValue)} is not a port number`})]
  }
  const open = portNumber !== 0
  const unknownVersion = era === 'unknown' ? ' (Kubernetes version unknown: this holds for 1.19 and older; 1.20+ serves no plain HTTP and refuses a non-zero value)' : ''
  if (era === 'unknown' && !port.setting) {
    return [
      flagEvidence(port.flag, undefined, () => 'unknown', {
        defaultValue: DEFAULT_INSECURE_PORT,
        note: 'not set, and the Kubernetes version is unknown: 1.19 and older then serve plain HTTP on 8080, 1.20 and newer serve none',
      }),
    ]
  }
  const portEvidence = flagEvidence(port.flag, port.setting, () => (open ? 'fail' : 'pass'), {
    defaultValue: DEFAULT_INSECURE_PORT,
    note: open
      ? `${port.setting ? '' : 'not set, so the default 8080 applies: '}kube-apiserver serves the whole API on http://${bindValue}:${portValue} with no authentication and no authorization — every request runs as system:unsecured in group system:masters${unknownVersion}`
      : 'the plain-HTTP port is off',
  })
  const evidence = [portEvidence]
  if (open) {
    evidence.push(flagEvidence(bind.flag, bind.setting, () => 'fail', {defaultValue: DEFAULT_INSECURE_BIND_ADDRESS, note: `${bind.setting ? '' : 'not set, so the default 127.0.0.1 applies: '}${bindReach(bindValue)}`}))
  } else if (bind.setting) {
    evidence.push(flagEvidence(bind.flag, bind.setting, () => 'pass', {note: 'unused while the insecure port is 0; CIS 1.2.17 (cis-1.20) still asks to remove it, and kube-bench reports it until you do'}))
  }
  return evidence
}

function insecureWireEvidence(result: HttpProbeResult, era: InsecureServingEra, localOnly: boolean): WireEvidence {
  if (result.ok) {
    if (result.status === 200 && jsonKind(result.body) === 'APIVersions') {
      const who =
        era === 'inert' || era === 'removed'
          ? ' kube-apiserver 1.20+ cannot serve this port, so something else answers the API here in plain HTTP (kubectl proxy, or an older API server).'
          : ''
      return wireEvidence(result, 'fail', `the Kubernetes API answers in plain HTTP without credentials: whoever reaches this port reads and changes everything, in cleartext.${who}`)
    }
    if (result.status === 400 && result.body.includes(TLS_ONLY_ANSWER)) return wireEvidence(result, 'pass', 'this port speaks only TLS')
    return wireEvidence(result, 'unknown', 'another service answers on this port; it is not the Kubernetes API')
  }
  if (isClosed(result)) {
    if (localOnly) {
      return wireEvidence(result, 'unknown', 'the manifest binds the insecure port to the loopback address: only the node itself can reach it, so a refusal from here proves nothing')
    }
    return wireEvidence(result, 'pass', 'nothing listens on this port')
  }
  return wireEvidence(result, 'error')
}

async function evaluate(ctx: CheckContext): Promise<CheckOutcome> {
  const read = await readApiserverConfig(ctx)
  const version = await clusterVersion(ctx)
  const era = insecureServingEra(version)
  const config = configEvidence(read, '--insecure-port', (found) => servingEvidence(found, era, version))

  const found = foundConfig(read)
  const serving = found ? insecureServing(found) : undefined
  const configOpensPort = config.some((item) => item.verdict === 'fail')
  const boundToLoopback = isLoopback(serving?.bind.setting?.value ?? DEFAULT_INSECURE_BIND_ADDRESS)
  const localOnly = configOpensPort && boundToLoopback && !isLoopback(ctx.target.endpoints.host)

  const probe = await probeOnce(ctx, {url: endpointUrl(ctx, 'apiserverInsecure', 'http', '/api'), credentialsLabel: NO_CREDENTIALS})
  const wire = [insecureWireEvidence(probe, era, localOnly)]

  const port = ctx.target.endpoints.ports.apiserverInsecure
  const configuredPort = configOpensPort ? (serving?.port.setting?.value ?? DEFAULT_INSECURE_PORT) : undefined
  const probed = wire[0]
  if (probed && configuredPort !== undefined && Number(configuredPort) !== port) {
    probed.note = `${probed.note ?? ''} (the manifest opens port ${configuredPort}; this probe used the target's insecure port ${port})`
  }
  const open = sideVerdict(config) === 'fail' || sideVerdict(wire) === 'fail'
  const summary = open
    ? `Anyone who can reach the plain-HTTP API port (${port} here) reads and changes the whole cluster with no credentials, and every byte crosses the network in cleartext.`
    : 'The API server serves no plain-HTTP port: every request goes through TLS, authentication and authorization.'
  return {config, wire, summary}
}

export const insecurePortCheck: CheckDefinition = {
  id: 'api-insecure-port',
  title: 'The API server serves no plain-HTTP, unauthenticated port',
  component: 'apiserver',
  severity: 'critical',
  cis: [
    {benchmark: 'cis-1.20', id: '1.2.18', title: 'Ensure that the --insecure-port argument is set to 0'},
    {benchmark: 'cis-1.20', id: '1.2.17', title: 'Ensure that the --insecure-bind-address argument is not set'},
  ],
  kubeHunter: ['KHV006'],
  kubescape: ['C-0005'],
  remediation:
    'On Kubernetes 1.19 and older, add --insecure-port=0 to the kube-apiserver command in /etc/kubernetes/manifests/kube-apiserver.yaml and drop --insecure-bind-address: requests on that port skip authentication and authorization and travel in cleartext, so the port hands cluster-admin to whoever reaches it. Health checks belong on the secure port (/livez, /readyz). On 1.20 and newer the port no longer exists; remove leftover --insecure-port/--insecure-bind-address flags, which 1.24 refuses. If something still answers the API in plain HTTP, find it (often a forgotten `kubectl proxy --address=0.0.0.0`) and stop it.',
  evaluate,
}
