export {
  CA_BACKDATE_MS,
  CA_VALIDITY_DAYS,
  DEFAULT_ENCRYPTION_ALGORITHM,
  LEAF_VALIDITY_DAYS,
  createCertificateAuthority,
  createSelfSignedCertificate,
  generateKeyPair,
  issueCertificate,
  privateKeyToPem,
  publicKeyToPem,
  type CertificateAndKeyPem,
  type CertificateAuthority,
  type CertificateAuthorityOptions,
  type CertificateUsage,
  type EncryptionAlgorithm,
  type IssuedCertificate,
  type LeafCertificateOptions,
  type SelfSignedCertificateOptions,
} from './certificates.js'
export * from './errors.js'
export * from './kubeadm-identities.js'
export * from './kubeadm-pki.js'
export * from './kubeconfig.js'
export * from './kubelet-serving.js'
export * from './kubernetes-version.js'
export * from './node-files.js'
export * from './write.js'
