import {X509Certificate} from 'node:crypto'
import type {CheckContext} from '../../context.js'
import {apiCredentials} from '../../wire.js'

/** The kubeconfig's client certificate, when it is one the kubelet should accept. */
export interface ClientCertificate {
  certificatePem: string
  keyPem: string
  /** The user name Kubernetes reads from it (x509 CommonNameUserConversion). */
  commonName: string
  /** e.g. "kubeconfig admin.conf client certificate CN=kubernetes-admin" */
  label: string
}

export type ClientCertificateRead =
  | {state: 'found'; certificate: ClientCertificate}
  | {state: 'none'; reason: string; kubeconfigGiven: boolean}
  | {state: 'unreadable'; error: unknown}

/**
 * The kubeconfig's client certificate, if it is signed by the kubeconfig's cluster CA and valid now:
 * kubeadm points the kubelet's client CA at that same CA, so this is a certificate a correctly set-up
 * kubelet recognises — the way it recognises kube-apiserver's kubelet client certificate.
 */
export function kubeconfigClientCertificate(ctx: CheckContext): Promise<ClientCertificateRead> {
  return ctx.once('kubelet:client-certificate', async () => {
    let credentials
    try {
      credentials = await apiCredentials(ctx)
    } catch (error) {
      return {state: 'unreadable', error}
    }
    if (!credentials) return {state: 'none', reason: 'no kubeconfig was given', kubeconfigGiven: false}
    const none = (reason: string): ClientCertificateRead => ({state: 'none', reason, kubeconfigGiven: true})
    const {cert, key, ca} = credentials.tls
    if (cert === undefined || key === undefined) return none(`${credentials.label} has no client certificate`)
    if (ca === undefined) return none(`${credentials.label} names no cluster CA to check its client certificate against`)

    let leaf: X509Certificate
    try {
      leaf = new X509Certificate(cert)
    } catch (error) {
      return {state: 'unreadable', error: new Error(`${credentials.label}: the client certificate is not a PEM certificate (${(error as Error).message})`)}
    }
    const authorities = pemCertificates(String(ca))
    if (!authorities.some((authority) => leaf.checkIssued(authority) && leaf.verify(authority.publicKey))) {
      return none(`${credentials.label}: the client certificate is not signed by the kubeconfig's cluster CA`)
    }
    const now = Date.now()
    if (Date.parse(leaf.validFrom) > now || Date.parse(leaf.validTo) <= now) {
      return none(`${credentials.label}: the client certificate is not valid now (${leaf.validFrom} – ${leaf.validTo})`)
    }
    const commonName = subjectField(leaf, 'CN')
    if (!commonName) return none(`${credentials.label}: the client certificate has no CommonName, so Kubernetes reads no user from it`)
    const file = credentials.label.replace(/, user .*$/, '')
    return {
      state: 'found',
      certificate: {certificatePem: String(cert), keyPem: String(key), commonName, label: `${file} client certificate CN=${commonName}`},
    }
  })
}

/** Every certificate in a PEM bundle; blocks that do not parse are skipped. */
export function pemCertificates(text: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []
  const certificates: X509Certificate[] = []
  for (const block of blocks) {
    try {
      certificates.push(new X509Certificate(block))
    } catch {
      // not a certificate Go's x509 would read either
    }
  }
  return certificates
}

/** One field of the subject, e.g. CN; Node prints the subject one "KEY=value" per line. */
export function subjectField(certificate: X509Certificate, field: string): string | undefined {
  const prefix = `${field}=`
  return certificate.subject
    .split('\n')
    .find((line) => line.startsWith(prefix))
    ?.slice(prefix.length)
}
