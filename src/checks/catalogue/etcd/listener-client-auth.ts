import type {HttpProbeResult} from '../../../probes/types.js'
import type {CheckContext} from '../../context.js'
import type {CheckOutcome, ConfigEvidence, SideVerdict, WireEvidence} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {isClosed, wireEvidence} from '../../wire.js'
import {plaintextAnswerNote, unobservableEvidence} from './listener-wire.js'
import {probeEtcdPort, REGISTRY_PREFIX, registryRange} from './port-probes.js'
import {etcdConfigEvidence, etcdEvidence, invalidBooleanNote, keyCount, transportSettings, urlEvidence, type TransportSettings} from './settings.js'
import type {EtcdSide} from './sides.js'

/**
 * Does the listener demand a client certificate? Configuration: what etcd actually does with
 * --client-cert-auth, --trusted-ca-file and --auto-tls (a trusted CA alone already demands one;
 * auto-TLS without a certificate drops both). Wire: a TLS request without a client certificate
 * must be refused at the handshake.
 */
export async function clientAuthOutcome(ctx: CheckContext, side: EtcdSide): Promise<CheckOutcome> {
  let settings: TransportSettings | undefined
  const [config, wire] = await Promise.all([
    etcdConfigEvidence(ctx, `--${side.clientCertAuthFlag}`, (etcd) => {
      settings = transportSettings(etcd, side)
      return clientAuthConfig(settings)
    }),
    clientAuthWire(ctx, side),
  ])
  const outcome: CheckOutcome = {config, wire}
  const summary = clientAuthSummary(ctx, side, settings, sideVerdict(config), sideVerdict(wire))
  if (summary) outcome.summary = summary
  return outcome
}

function clientAuthSummary(
  ctx: CheckContext,
  side: EtcdSide,
  settings: TransportSettings | undefined,
  config: SideVerdict,
  wire: SideVerdict,
): string | undefined {
  const port = ctx.target.endpoints.ports[side.port]
  if (wire === 'fail') {
    return side.name === 'client'
      ? `etcd serves clients without a certificate on port ${port}: anyone who reaches it reads and writes every Kubernetes object, Secrets included.`
      : `etcd's peer port ${port} accepts connections without a client certificate: anyone who reaches it can talk to this member as if it were one of its peers.`
  }
  const trustedCaOnly = settings && settings.demandsClientCertificate && settings.clientCertAuthValue === false
  if (trustedCaOnly && config === 'pass' && wire !== 'error') {
    return `etcd demands client certificates on its ${side.label} because --${side.trustedCaFlag} is set, even though --${side.clientCertAuthFlag} is false: its TLS server asks every client for a certificate once it has a trusted CA. kube-bench still fails this CIS check on the flag; set --${side.clientCertAuthFlag}=true so the manifest says what etcd does.`
  }
  return undefined
}

/** What the listener's settings say about requests without a client certificate. */
export function clientAuthConfig(settings: TransportSettings): ConfigEvidence[] {
  const {side} = settings
  const evidence: ConfigEvidence[] = [clientCertAuthEvidence(settings), trustedCaEvidence(settings)]
  if (settings.autoTlsReplacesSettings) {
    evidence.push(
      etcdEvidence(side.autoTlsFlag, settings.autoTls, {
        verdict: 'fail',
        note: `with no --${side.certFlag}/--${side.keyFlag}, auto-TLS replaces the ${side.label}'s TLS settings with a generated certificate and no client authentication (etcd logs "trusted-ca = , client-cert-auth = false")`,
      }),
    )
  }
  evidence.push(urlEvidence(side.listenFlag, settings.listen, settings.listenUrls, side.defaultUrl, true))
  return evidence
}

function clientCertAuthEvidence(settings: TransportSettings): ConfigEvidence {
  const {side, clientCertAuth} = settings
  const flag = side.clientCertAuthFlag
  if (settings.clientCertAuthValue === 'invalid') {
    return etcdEvidence(flag, clientCertAuth, {verdict: 'error', note: invalidBooleanNote(flag, clientCertAuth?.value ?? '')})
  }
  if (settings.autoTlsReplacesSettings) {
    return etcdEvidence(flag, clientCertAuth, {value: 'false', verdict: 'fail', note: `ignored: --${side.autoTlsFlag} without a certificate turns client authentication off`})
  }
  if (settings.clientCertAuthValue) return etcdEvidence(flag, clientCertAuth, {verdict: 'pass'})
  if (settings.demandsClientCertificate) {
    return etcdEvidence(flag, clientCertAuth, {
      value: 'false',
      verdict: 'pass',
      note: `false, but etcd still demands client certificates because --${side.trustedCaFlag} is set; kube-bench fails this CIS check on the flag alone, so set it to true`,
    })
  }
  return etcdEvidence(flag, clientCertAuth, {
    value: 'false',
    verdict: 'fail',
    note: clientCertAuth ? 'client certificates are not asked for' : 'not set, so the default false applies: client certificates are not asked for',
  })
}

function trustedCaEvidence(settings: TransportSettings): ConfigEvidence {
  const {side, trustedCa} = settings
  const flag = side.trustedCaFlag
  if (trustedCa?.value) {
    return settings.autoTlsReplacesSettings
      ? etcdEvidence(flag, trustedCa, {verdict: 'fail', note: `ignored: --${side.autoTlsFlag} without a certificate drops the trusted CA`})
      : etcdEvidence(flag, trustedCa, {
          verdict: 'pass',
          note: `etcd verifies client certificates against this CA, and asks every TLS client for one whenever it is set, whatever --${side.clientCertAuthFlag} says`,
        })
  }
  if (settings.demandsClientCertificate) {
    return etcdEvidence(flag, trustedCa, {
      verdict: 'unknown',
      note: `not set: etcd has no CA of its own to check client certificates against, so Go checks them against the host's system CA bundle${side.name === 'client' ? ' (etcd-unique-ca fails on this)' : ''}`,
    })
  }
  return etcdEvidence(flag, trustedCa, {verdict: 'fail', note: 'not set: etcd has no CA to check client certificates against'})
}

async function clientAuthWire(ctx: CheckContext, side: EtcdSide): Promise<WireEvidence[]> {
  const probes = await probeEtcdPort(ctx, side)
  if (probes.mode === 'closed' || probes.mode === 'broken') return unobservableEvidence(side, probes)
  if (side.name === 'peer') {
    // The peer listener's own GET /members is the request without a client certificate.
    return probes.mode === 'plaintext'
      ? [wireEvidence(probes.plain, 'fail', `no TLS, so no client certificates either: ${plaintextAnswerNote(side, probes.plain)}`)]
      : [tlsAttemptEvidence(probes.tls, side)]
  }
  if (probes.mode === 'plaintext') {
    const {probe, range} = await registryRange(ctx, 'http', {countOnly: true})
    if (range) return [wireEvidence(probe, 'fail', `range read of ${REGISTRY_PREFIX} answered over plain HTTP with no credentials at all (${keyCount(range.count)})`)]
    return [wireEvidence(probes.plain, 'fail', `no TLS, so no client certificates either: ${plaintextAnswerNote(side, probes.plain)}`)]
  }
  const {probe, range} = await registryRange(ctx, 'https', {countOnly: true})
  if (range) return [wireEvidence(probe, 'fail', `range read of ${REGISTRY_PREFIX} answered without a client certificate (${keyCount(range.count)})`)]
  return [tlsAttemptEvidence(probe, side)]
}

/** A TLS request sent without a client certificate: refused at the handshake passes, any HTTP answer fails. */
function tlsAttemptEvidence(result: HttpProbeResult, side: EtcdSide): WireEvidence {
  if (result.ok) {
    return wireEvidence(result, 'fail', `accepted over TLS without a client certificate (HTTP ${result.status})`)
  }
  if (result.failure === 'tls-rejected') {
    return wireEvidence(result, 'pass', `refused at the TLS handshake (${result.message}): etcd demands a client certificate on its ${side.label}`)
  }
  if (isClosed(result)) return wireEvidence(result, 'unknown', `the ${side.label} stopped listening between two requests`)
  return wireEvidence(result, 'error')
}
