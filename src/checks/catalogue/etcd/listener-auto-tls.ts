import type {CheckContext} from '../../context.js'
import type {CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {wireEvidence} from '../../wire.js'
import {unobservableEvidence} from './listener-wire.js'
import {probeEtcdPort} from './port-probes.js'
import {etcdConfigEvidence, etcdEvidence, invalidBooleanNote, transportSettings, type TransportSettings} from './settings.js'
import type {EtcdSide} from './sides.js'

/**
 * Does the listener serve a certificate that etcd made up itself? Configuration: --auto-tls (or
 * --peer-auto-tls) is not in effect. Wire: the server certificate is issued by a CA, not self-signed.
 * etcd 3.4.23's auto-TLS certificate has subject and issuer "O=etcd" and no CA behind it.
 */
export async function autoTlsOutcome(ctx: CheckContext, side: EtcdSide): Promise<CheckOutcome> {
  const [config, wire] = await Promise.all([
    etcdConfigEvidence(ctx, `--${side.autoTlsFlag}`, (etcd) => [autoTlsEvidence(transportSettings(etcd, side))]),
    autoTlsWire(ctx, side),
  ])
  const outcome: CheckOutcome = {config, wire}
  if (sideVerdict(wire) === 'fail') {
    outcome.summary = `etcd's ${side.label} serves a self-signed certificate: no client can verify that it talks to etcd, so clients skip verification and anyone on the path can pose as etcd.`
  }
  return outcome
}

function autoTlsEvidence(settings: TransportSettings): ConfigEvidence {
  const {side, autoTls} = settings
  const flag = side.autoTlsFlag
  if (settings.autoTlsValue === 'invalid') return etcdEvidence(flag, autoTls, {verdict: 'error', note: invalidBooleanNote(flag, autoTls?.value ?? '')})
  if (settings.autoTlsReplacesSettings) {
    return etcdEvidence(flag, autoTls, {
      verdict: 'fail',
      note: `etcd generates a self-signed certificate under <data-dir>/fixtures/${side.name} and serves it on its ${side.label}`,
    })
  }
  if (settings.autoTlsValue) {
    return etcdEvidence(flag, autoTls, {
      verdict: 'pass',
      note: `set, but ignored because --${side.certFlag} and --${side.keyFlag} are given (etcd logs "ignoring ${side.name} auto TLS since certs given"); kube-bench still fails this CIS check, so remove it`,
    })
  }
  return etcdEvidence(flag, autoTls, {value: 'false', verdict: 'pass'})
}

async function autoTlsWire(ctx: CheckContext, side: EtcdSide): Promise<WireEvidence[]> {
  const probes = await probeEtcdPort(ctx, side)
  switch (probes.mode) {
    case 'plaintext':
      return [wireEvidence(probes.plain, 'unknown', `plain HTTP: no certificate to judge (${side.transportCheckId} fails on the missing TLS)`)]
    case 'tls': {
      const certificate = probes.tls.tls?.peer
      if (!certificate) return [wireEvidence(probes.tls, 'unknown', 'the handshake ended before the server certificate could be read')]
      return certificate.selfSigned
        ? [wireEvidence(probes.tls, 'fail', `the server certificate (${certificate.subject}) is self-signed, as etcd's auto-TLS makes it: no CA vouches for it`)]
        : [wireEvidence(probes.tls, 'pass', `the server certificate (${certificate.subject}) is issued by ${certificate.issuer}`)]
    }
    default:
      return unobservableEvidence(side, probes)
  }
}
