import {X509Certificate} from 'node:crypto'

export interface CaCertificate {
  subject: string
  /** SHA-256 of the DER certificate, colon-separated hex as OpenSSL prints it. */
  fingerprint256: string
}

/** A PEM file that holds no certificate, or a certificate that does not parse. */
export class CaBundleError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`)
    this.name = 'CaBundleError'
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

/** Every certificate of a CA bundle, as Go's x509.CertPool.AppendCertsFromPEM would take them. */
export function readCaBundle(file: string, text: string): CaCertificate[] {
  const blocks = text.match(PEM_CERTIFICATE) ?? []
  if (blocks.length === 0) throw new CaBundleError(file, 'no PEM certificate in the file')
  return blocks.map((block, index) => {
    try {
      const certificate = new X509Certificate(block)
      return {subject: certificate.subject.replace(/\n/g, ', '), fingerprint256: certificate.fingerprint256}
    } catch (error) {
      throw new CaBundleError(file, `certificate ${index + 1} does not parse (${error instanceof Error ? error.message : String(error)})`)
    }
  })
}

export function describeCa(certificate: CaCertificate): string {
  return `${certificate.subject}, SHA-256 ${certificate.fingerprint256}`
}
