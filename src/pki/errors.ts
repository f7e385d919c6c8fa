/** Something the PKI helpers cannot do with what they were given; the message says what to change. */
export class PkiError extends Error {
  override readonly name: string = 'PkiError'
}

/** A subject alternative name that is neither an IP address nor a DNS-1123 name (or wildcard). */
export class InvalidSubjectAltNameError extends PkiError {
  override readonly name = 'InvalidSubjectAltNameError'

  constructor(
    readonly value: string,
    readonly certificate: string,
  ) {
    super(
      `"${value}" cannot be a subject alternative name of ${certificate}: ` +
        'use an IP address or an RFC 1123 DNS name such as "localhost" or "*.example.com"',
    )
  }
}

export class InvalidKubernetesVersionError extends PkiError {
  override readonly name = 'InvalidKubernetesVersionError'

  constructor(readonly version: string) {
    super(`"${version}" is not a Kubernetes version: expected the form v1.29.2 or 1.29`)
  }
}

export class InvalidCertificateOptionError extends PkiError {
  override readonly name = 'InvalidCertificateOptionError'

  constructor(
    readonly option: string,
    readonly value: string,
    fix: string,
  ) {
    super(`invalid ${option} "${value}": ${fix}`)
  }
}

/** writeFiles met a file that is already there and was not told it may replace it. */
export class FileExistsError extends PkiError {
  override readonly name = 'FileExistsError'

  constructor(
    readonly nodePath: string,
    readonly hostPath: string,
  ) {
    super(`${hostPath} (node path ${nodePath}) already exists; remove it or write with {overwrite: true}`)
  }
}

/** Node paths are absolute paths on the node, e.g. /etc/kubernetes/pki/ca.crt. */
export class InvalidNodePathError extends PkiError {
  override readonly name = 'InvalidNodePathError'

  constructor(readonly nodePath: string) {
    super(`"${nodePath}" is not an absolute node path such as /etc/kubernetes/pki/ca.crt`)
  }
}
