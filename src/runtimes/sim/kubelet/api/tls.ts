/**
 * The kubelet's serving certificate and client CA, loaded as cmd/kubelet/app/server.go InitializeTLS does: the
 * configured tlsCertFile/tlsPrivateKeyFile, or — when neither is set — <cert-dir>/kubelet.crt and kubelet.key,
 * which the kubelet makes for itself (self-signed, see src/pki/kubelet-serving.ts) when they cannot be read.
 * The client CA must load, or the kubelet does not start.
 */
import {X509Certificate} from 'node:crypto'
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {createKubeletServingCertificate} from '../../../../pki/kubelet-serving.js'
import type {NodeRootAccess} from '../../../../target/node-root.js'
import type {KubeletApiSettings} from './config.js'
import {originLocation} from './config.js'
import {KubeletStartupError} from './errors.js'
import type {KubeletApiLog} from './log.js'

export interface ServingCertificate {
  certificatePem: string
  keyPem: string
  certFile: string
  keyFile: string
}

export async function loadServingCertificate(node: NodeRootAccess, settings: KubeletApiSettings, hostname: string, log: KubeletApiLog): Promise<ServingCertificate> {
  if (settings.tlsCertFile === undefined && settings.tlsPrivateKeyFile === undefined) {
    const certFile = `${settings.certDirectory.replace(/\/$/, '')}/kubelet.crt`
    const keyFile = `${settings.certDirectory.replace(/\/$/, '')}/kubelet.key`
    const [certificatePem, keyPem] = await Promise.all([node.readFile(certFile), node.readFile(keyFile)])
    if (certificatePem !== undefined && keyPem !== undefined) return {certificatePem, keyPem, certFile, keyFile}
    const made = await createKubeletServingCertificate({nodeName: hostname})
    await mkdir(path.dirname(node.resolve(certFile)), {recursive: true})
    await Promise.all([writeFile(node.resolve(certFile), made.certificatePem, {mode: 0o644}), writeFile(node.resolve(keyFile), made.privateKeyPem, {mode: 0o600})])
    log.info('Using self-signed cert', {TLSCertFile: certFile, TLSPrivateKeyFile: keyFile})
    return {certificatePem: made.certificatePem, keyPem: made.privateKeyPem, certFile, keyFile}
  }
  // http.Server.ListenAndServeTLS(certFile, keyFile) fails on a file it cannot open, and the kubelet exits.
  const certFile = settings.tlsCertFile ?? ''
  const keyFile = settings.tlsPrivateKeyFile ?? ''
  const [certificatePem, keyPem] = await Promise.all([certFile === '' ? undefined : node.readFile(certFile), keyFile === '' ? undefined : node.readFile(keyFile)])
  if (certificatePem === undefined) throw listenError(`open ${certFile}: no such file or directory`, settings, 'tlsCertFile')
  if (keyPem === undefined) throw listenError(`open ${keyFile}: no such file or directory`, settings, 'tlsPrivateKeyFile')
  if (!/-----BEGIN CERTIFICATE-----/.test(certificatePem)) throw listenError('tls: failed to find any PEM data in certificate input', settings, 'tlsCertFile')
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyPem)) throw listenError('tls: failed to find any PEM data in key input', settings, 'tlsPrivateKeyFile')
  return {certificatePem, keyPem, certFile, keyFile}
}

function listenError(reason: string, settings: KubeletApiSettings, key: 'tlsCertFile' | 'tlsPrivateKeyFile'): KubeletStartupError {
  return new KubeletStartupError(reason, 'listen', originLocation(settings, key), 'server.go:180', 'Failed to listen and serve')
}

/** certutil.NewPool(clientCAFile): at least one certificate, or "unable to load client CA file". */
export async function loadClientCa(node: NodeRootAccess, settings: KubeletApiSettings): Promise<string | undefined> {
  const file = settings.clientCAFile
  if (file === undefined) return undefined
  const fail = (reason: string): KubeletStartupError =>
    new KubeletStartupError(`failed to construct kubelet dependencies: unable to load client CA file ${file}: ${reason}`, 'dependencies', originLocation(settings, 'clientCAFile'))
  const text = await node.readFile(file)
  if (text === undefined) throw fail(`open ${file}: no such file or directory`)
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []
  const valid = blocks.filter((block) => {
    try {
      new X509Certificate(block)
      return true
    } catch {
      return false
    }
  })
  if (valid.length === 0) throw fail(`error reading ${file}: data does not contain any valid RSA or ECDSA certificates`)
  return valid.join('\n')
}
