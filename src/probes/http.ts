import http from 'node:http'
import https from 'node:https'
import type {TLSSocket} from 'node:tls'
import type {HttpProbeRequest, HttpProbeResult, ProbeFailure, TlsInfo} from './types.js'
import {describeTls} from './tls-info.js'

const DEFAULT_MAX_BODY = 64 * 1024

/**
 * Sends one HTTP(S) request the way an attacker's curl would and reports what came back, or why
 * nothing did. Never throws and never outlives `timeoutMs`: one timer covers connect, TLS, headers and body.
 */
export function httpProbe(request: HttpProbeRequest): Promise<HttpProbeResult> {
  const method = request.method ?? 'GET'
  const label = `${method} ${request.url}${request.credentialsLabel ? ` (${request.credentialsLabel})` : ''}`
  const started = Date.now()
  const url = new URL(request.url)
  const secure = url.protocol === 'https:'
  const maxBody = request.maxBodyBytes ?? DEFAULT_MAX_BODY

  return new Promise((resolve) => {
    let settled = false
    let tls: TlsInfo | undefined
    const finish = (result: HttpProbeResult): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(result)
    }
    const fail = (failure: ProbeFailure, message: string): void =>
      finish({ok: false, request: label, failure, message, ...(tls ? {tls} : {}), durationMs: Date.now() - started})

    const headers: Record<string, string> = {...request.headers}
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body))
    const options: https.RequestOptions = {
      method,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers,
      agent: request.agent ?? false,
    }
    if (secure) {
      const t = request.tls ?? {}
      Object.assign(options, {
        ca: t.ca,
        cert: t.cert,
        key: t.key,
        rejectUnauthorized: t.verify === true,
        servername: t.servername ?? (isIpAddress(options.hostname ?? '') ? undefined : options.hostname),
      })
    }

    const req = (secure ? https : http).request(options, (res) => {
      const chunks: Buffer[] = []
      let kept = 0
      res.on('data', (chunk: Buffer) => {
        if (kept < maxBody) {
          chunks.push(chunk.subarray(0, maxBody - kept))
          kept += Math.min(chunk.length, maxBody - kept)
        }
      })
      res.on('end', () =>
        finish({
          ok: true,
          request: label,
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          ...(tls ? {tls} : {}),
          durationMs: Date.now() - started,
        }),
      )
      res.on('error', (error) => fail(...classify(error)))
    })
    req.on('socket', (socket) => {
      if (!secure) return
      const tlsSocket = socket as TLSSocket
      // A kept-alive socket has finished its handshake already; a new one reports it on secureConnect.
      if (tlsSocket.encrypted && !tlsSocket.connecting && tlsSocket.getProtocol()) tls = describeTls(tlsSocket)
      else tlsSocket.once('secureConnect', () => (tls = describeTls(tlsSocket)))
    })
    req.on('error', (error) => fail(...classify(error)))
    const timer = setTimeout(() => {
      fail('timeout', `no answer within ${request.timeoutMs} ms`)
      req.destroy()
    }, request.timeoutMs)
    req.end(request.body)
  })
}

/** Maps Node's socket, TLS and HTTP-parser errors onto what they mean for an auditor. */
export function classify(error: Error): [ProbeFailure, string] {
  const code = (error as NodeJS.ErrnoException).code ?? ''
  const text = error.message
  if (code === 'ECONNREFUSED') return ['refused', 'connection refused (nothing listens on this port)']
  if (code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EAI_AGAIN')
    return ['unreachable', `host unreachable (${code})`]
  if ((code.startsWith('ERR_SSL_') && /ALERT/.test(code)) || (code === 'EPROTO' && /alert/i.test(text)))
    return ['tls-rejected', `TLS alert from the server: ${tlsAlertName(code, text)}`]
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || /wrong version number|packet length too long/.test(text))
    return ['not-tls', 'the server does not speak TLS on this port']
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return ['tls-rejected', `TLS failure: ${text}`]
  if (code.startsWith('HPE_')) return ['protocol-error', `the answer is not HTTP (${code})`]
  if (code === 'ECONNRESET' || code === 'EPIPE' || text === 'socket hang up')
    return ['reset', 'the server closed the connection without answering']
  return ['reset', `${code || error.name}: ${text}`]
}

function tlsAlertName(code: string, text: string): string {
  const match = /alert ([a-z ]+)/i.exec(text)
  if (match?.[1]) return match[1].trim()
  return code.replace(/^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_/, '').toLowerCase().replace(/_/g, ' ')
}

function isIpAddress(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':')
}
