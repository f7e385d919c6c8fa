import type {CheckContext} from '../../context.js'
import type {CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {wireEvidence} from '../../wire.js'
import {plaintextAnswerNote, unobservableEvidence} from './listener-wire.js'
import {probeEtcdPort} from './port-probes.js'
import {etcdConfigEvidence, etcdEvidence, transportSettings, urlEvidence, type TransportSettings} from './settings.js'
import type {EtcdSide} from './sides.js'

/**
 * Does the listener speak TLS? Configuration: a certificate and key (or auto-TLS, which
 * etcd-auto-tls judges), and https:// listen and advertise URLs. Wire: a plain-HTTP answer fails,
 * a TLS handshake passes.
 */
export async function transportOutcome(ctx: CheckContext, side: EtcdSide): Promise<CheckOutcome> {
  const [config, wire] = await Promise.all([
    etcdConfigEvidence(ctx, `--${side.certFlag}`, (etcd) => transportConfig(transportSettings(etcd, side))),
    transportWire(ctx, side),
  ])
  const outcome: CheckOutcome = {config, wire}
  if (sideVerdict(wire) === 'fail') {
    outcome.summary =
      side.name === 'client'
        ? `etcd answers plain HTTP on its client port ${ctx.target.endpoints.ports.etcdClient}: anyone on the network reads the cluster's data, Secrets included, as it travels.`
        : `etcd's peer port ${ctx.target.endpoints.ports.etcdPeer} answers plain HTTP: the raft traffic that carries every write travels unencrypted, and anyone can list the members.`
  }
  return outcome
}

function transportConfig(settings: TransportSettings): ConfigEvidence[] {
  const {side} = settings
  return [
    certificateEvidence(side.certFlag, settings.cert, settings),
    certificateEvidence(side.keyFlag, settings.key, settings),
    urlEvidence(side.listenFlag, settings.listen, settings.listenUrls, side.defaultUrl, true),
    urlEvidence(side.advertiseFlag, settings.advertise, settings.advertiseUrls, side.defaultUrl, false),
  ]
}

function certificateEvidence(flag: string, setting: TransportSettings['cert'], settings: TransportSettings): ConfigEvidence {
  if (setting?.value) return etcdEvidence(flag, setting, {verdict: 'pass'})
  if (settings.autoTlsReplacesSettings) {
    return etcdEvidence(flag, setting, {
      verdict: 'pass',
      note: `not set, but --${settings.side.autoTlsFlag} is true: etcd generates a self-signed certificate, so the ${settings.side.label} still speaks TLS (etcd-${settings.side.name === 'client' ? '' : 'peer-'}auto-tls fails on that certificate; kube-bench fails this CIS check on the missing flag)`,
    })
  }
  return etcdEvidence(flag, setting, {verdict: 'fail', note: `not set: etcd has no certificate for its ${settings.side.label}, so it cannot serve TLS there`})
}

async function transportWire(ctx: CheckContext, side: EtcdSide): Promise<WireEvidence[]> {
  const probes = await probeEtcdPort(ctx, side)
  const {plain, tls} = probes
  switch (probes.mode) {
    case 'plaintext':
      return [wireEvidence(plain, 'fail', plaintextAnswerNote(side, plain)), wireEvidence(tls, 'fail', 'no TLS on this port')]
    case 'tls':
      return [
        wireEvidence(
          plain,
          'pass',
          plain.ok
            ? `plain HTTP gets HTTP ${plain.status} from the TLS listener, not ${side.name === 'client' ? 'etcd data' : 'the member list'}`
            : 'plain HTTP gets no answer: etcd drops connections that do not start with a TLS handshake',
        ),
        wireEvidence(tls, 'pass', `the ${side.label} speaks TLS`),
      ]
    default:
      return unobservableEvidence(side, probes)
  }
}
