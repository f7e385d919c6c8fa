import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import https from 'node:https'
import type {Server} from 'node:https'
import {createSelfSignedCertificate} from '../../../../src/pki/certificates.js'
import {DEFAULT_ALWAYS_ALLOW_PATHS, startHealthServer} from '../../../../src/runtimes/sim/controlplane-stub/server.js'

let server: Server
let port: number

function request(pathname: string, method = 'GET'): Promise<{status: number; body: string; headers: Record<string, unknown>}> {
  return new Promise((resolve, reject) => {
    const outgoing = https.request(`https://127.0.0.1:${port}${pathname}`, {method, rejectUnauthorized: false, agent: false, timeout: 3000}, (response) => {
      let body = ''
      response.on('data', (chunk: Buffer) => (body += chunk.toString()))
      response.on('end', () => resolve({status: response.statusCode ?? 0, body, headers: response.headers}))
    })
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')))
    outgoing.on('error', reject)
    outgoing.end()
  })
}

beforeAll(async () => {
  const certificate = await createSelfSignedCertificate({commonName: 'localhost@1', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server', encryptionAlgorithm: 'ECDSA-P256'})
  server = await startHealthServer({host: '127.0.0.1', port: 0, ...certificate, minVersion: 'TLSv1.2', alwaysAllowPaths: DEFAULT_ALWAYS_ALLOW_PATHS})
  const address = server.address()
  port = typeof address === 'object' && address !== null ? address.port : 0
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

describe('the stub\'s secure port', () => {
  it.each(['/healthz', '/livez', '/readyz', '/healthz/ping'])('answers %s with ok', async (pathname) => {
    const answer = await request(pathname)
    expect(answer).toMatchObject({status: 200, body: 'ok'})
    expect(answer.headers).toMatchObject({'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff'})
  })

  it('refuses anonymous requests elsewhere with the API machinery\'s 403 Status', async () => {
    const answer = await request('/debug/pprof/', 'GET')
    expect(answer.status).toBe(403)
    expect(JSON.parse(answer.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'forbidden: User "system:anonymous" cannot get path "/debug/pprof/"',
      reason: 'Forbidden',
      details: {},
      code: 403,
    })
  })
})
