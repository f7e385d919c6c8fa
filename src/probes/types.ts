import type {Agent} from 'node:http'

export interface TlsClientOptions {
  ca?: string | Buffer
  cert?: string | Buffer
  key?: string | Buffer
  /** Verify the server certificate against `ca`. Auditors default to not verifying, as kube-hunter does. */
  verify?: boolean
  servername?: string
}

export interface PeerCertificateInfo {
  subject: string
  issuer: string
  selfSigned: boolean
  fingerprint256: string
  validTo: string
}

export interface TlsInfo {
  /** e.g. "TLSv1.3" */
  protocol: string | null
  peer?: PeerCertificateInfo
  /** Whether the server certificate verified against the given CA (false when no CA was given). */
  verified: boolean
  verifyError?: string
}

/**
 * refused: nothing listens; timeout: no answer within the probe's time; reset: the peer dropped the connection;
 * tls-rejected: the server refused our TLS handshake or client certificate (e.g. "certificate required");
 * not-tls: we spoke TLS to a plain-HTTP server (or the reverse); protocol-error: the answer was not HTTP;
 * unreachable: DNS or routing failure.
 */
export type ProbeFailure = 'refused' | 'timeout' | 'reset' | 'tls-rejected' | 'not-tls' | 'protocol-error' | 'unreachable'

export interface HttpProbeRequest {
  url: string
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  headers?: Record<string, string>
  body?: string
  /** Used for https: URLs. */
  tls?: TlsClientOptions
  timeoutMs: number
  /** Body bytes kept; the rest is read and dropped. Default 64 KiB. */
  maxBodyBytes?: number
  /** Shown in evidence, e.g. "no credentials", "admin client certificate". */
  credentialsLabel?: string
  /** A keep-alive agent shared by one audit's probes; without it each probe opens its own connection. */
  agent?: Agent
}

export interface HttpAnswer {
  ok: true
  /** e.g. "GET https://127.0.0.1:10250/pods (no credentials)" */
  request: string
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  tls?: TlsInfo
  durationMs: number
}

export interface HttpFailure {
  ok: false
  request: string
  failure: ProbeFailure
  /** Human-readable reason, e.g. "connection refused", "no answer within 2000 ms", "TLS alert: certificate required". */
  message: string
  tls?: TlsInfo
  durationMs: number
}

export type HttpProbeResult = HttpAnswer | HttpFailure
