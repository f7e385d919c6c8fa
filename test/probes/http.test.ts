import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterAll, describe, expect, it} from '@jest/globals'
import {httpProbe} from '../../src/probes/http.js'
import {freePort} from '../support/ports.js'
import {startHostileServer, type HostileServer} from '../support/hostile-servers.js'

describe('httpProbe', () => {
  const opened: HostileServer[] = []
  afterAll(async () => Promise.all(opened.map((server) => server.close())))

  it('reports the status, body and request label of a plain HTTP answer', async () => {
    const server = http.createServer((req, res) => {
      res.writeHead(418, {'content-type': 'text/plain'})
      res.end(`${req.method} ${req.url} ${req.headers['x-probe'] ?? ''}`)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as AddressInfo
    const result = await httpProbe({url: `http://127.0.0.1:${port}/pods?x=1`, headers: {'x-probe': 'yes'}, timeoutMs: 2000, credentialsLabel: 'no credentials'})
    server.close()
    expect(result).toMatchObject({ok: true, status: 418, body: 'GET /pods?x=1 yes', request: `GET http://127.0.0.1:${port}/pods?x=1 (no credentials)`})
  })

  it('says refused when nothing listens', async () => {
    const port = await freePort()
    const result = await httpProbe({url: `http://127.0.0.1:${port}/`, timeoutMs: 2000})
    expect(result).toMatchObject({ok: false, failure: 'refused'})
  })

  it.each([
    ['silent', 'timeout'],
    ['garbage', 'protocol-error'],
    ['reset', 'reset'],
  ] as const)('a %s server gives %s within the timeout, never a hang', async (behaviour, failure) => {
    const server = await startHostileServer(behaviour)
    opened.push(server)
    const started = Date.now()
    const result = await httpProbe({url: `http://127.0.0.1:${server.port}/api`, timeoutMs: 400})
    expect(Date.now() - started).toBeLessThan(1500)
    expect(result).toMatchObject({ok: false, failure})
    expect(result.ok ? '' : result.message).not.toHaveLength(0)
  })

  it('a silent server behind https also times out', async () => {
    const server = await startHostileServer('silent')
    opened.push(server)
    const result = await httpProbe({url: `https://127.0.0.1:${server.port}/pods`, timeoutMs: 300})
    expect(result).toMatchObject({ok: false, failure: 'timeout'})
  })

  it('speaking TLS to a plain HTTP server says not-tls', async () => {
    const server = http.createServer((_req, res) => res.end('plain'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as AddressInfo
    const result = await httpProbe({url: `https://127.0.0.1:${port}/`, timeoutMs: 2000})
    server.close()
    expect(result).toMatchObject({ok: false, failure: 'not-tls'})
  })

  it('keeps at most maxBodyBytes of a large body', async () => {
    const server = http.createServer((_req, res) => res.end('x'.repeat(100_000)))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as AddressInfo
    const result = await httpProbe({url: `http://127.0.0.1:${port}/`, timeoutMs: 2000, maxBodyBytes: 1000})
    server.close()
    expect(result.ok && result.body.length).toBe(1000)
  })
})

describe('classify', () => {
  it('reads a TLS 1.2 alert reported as EPROTO as a rejection, not a reset', async () => {
    const {classify} = await import('../../src/probes/http.js')
    const error = Object.assign(new Error('write EPROTO 4027D8F7:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1605:SSL alert number 42'), {code: 'EPROTO'})
    expect(classify(error)).toEqual(['tls-rejected', 'TLS alert from the server: bad certificate'])
  })
})

describe('httpProbe through a keep-alive agent', () => {
  it('reuses one TLS connection and still reports the TLS details of each answer', async () => {
    const https = await import('node:https')
    const {createSelfSignedCertificate} = await import('../../src/pki/certificates.js')
    const {certificatePem, privateKeyPem} = await createSelfSignedCertificate({commonName: 'probe-target', usage: 'server', encryptionAlgorithm: 'ECDSA-P256', ipAddresses: ['127.0.0.1']})
    let handshakes = 0
    const server = https.createServer({cert: certificatePem, key: privateKeyPem}, (_req, res) => res.end('ok'))
    server.on('secureConnection', () => (handshakes += 1))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as AddressInfo
    const agent = new https.Agent({keepAlive: true, maxSockets: 1})
    const first = await httpProbe({url: `https://127.0.0.1:${port}/a`, timeoutMs: 2000, agent})
    const second = await httpProbe({url: `https://127.0.0.1:${port}/b`, timeoutMs: 2000, agent})
    agent.destroy()
    server.close()
    expect(handshakes).toBe(1)
    for (const result of [first, second]) expect(result).toMatchObject({ok: true, status: 200, tls: {peer: {subject: 'CN=probe-target', selfSigned: true}}})
  })
})
