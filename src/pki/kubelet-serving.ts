import {isIP} from 'node:net'
import {type CertificateAndKeyPem, createCertificateAuthority, generateKeyPair, issueCertificate} from './certificates.js'

export interface KubeletServingOptions {
  /** The kubelet's hostname; becomes the certificate's only SAN (an IP SAN when it is an IP). */
  nodeName: string
  /** The kubelet stamps the names with the Unix time it made them. Defaults to now. */
  now?: Date
}

const KUBELET_VALIDITY_DAYS = 365
const CLOCK_SKEW_MS = 60 * 60 * 1000

/**
 * The serving certificate a kubelet makes for itself when no --tls-cert-file is set (kubeadm sets
 * none): client-go's GenerateSelfSignedCertKey. A throwaway CA "<host>-ca@<unix>" (serial 1) signs a
 * leaf "<host>@<unix>" (serial 2, serverAuth), both valid from an hour ago for a year; kubelet.crt
 * holds the leaf then that CA, and the CA's key is discarded. Nothing in the cluster trusts it,
 * which is why API-server-to-kubelet traffic is unverified unless serving certificates are rotated
 * through the cluster CA.
 */
export async function createKubeletServingCertificate(options: KubeletServingOptions): Promise<CertificateAndKeyPem> {
  const now = options.now ?? new Date()
  const unixSeconds = Math.floor(now.getTime() / 1000)
  const validFrom = new Date(now.getTime() - CLOCK_SKEW_MS)
  const [ca, leafKeys] = await Promise.all([
    createCertificateAuthority({
      commonName: `${options.nodeName}-ca@${unixSeconds}`,
      dnsNames: [],
      notBefore: validFrom,
      validityDays: KUBELET_VALIDITY_DAYS,
      serialNumber: '01',
      encryptionAlgorithm: 'RSA-2048',
    }),
    generateKeyPair('RSA-2048'),
  ])
  const hostIsIp = isIP(options.nodeName) !== 0
  const leaf = await issueCertificate(ca, {
    commonName: `${options.nodeName}@${unixSeconds}`,
    dnsNames: hostIsIp ? [] : [options.nodeName],
    ipAddresses: hostIsIp ? [options.nodeName] : [],
    usage: 'server',
    notBefore: validFrom,
    validityDays: KUBELET_VALIDITY_DAYS,
    serialNumber: '02',
    keyPair: leafKeys,
  })
  return {certificatePem: leaf.certificatePem + ca.certificatePem, privateKeyPem: leaf.privateKeyPem}
}
