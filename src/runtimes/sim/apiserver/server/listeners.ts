/**
 * The secure and insecure listeners. The secure port speaks TLS with optional client certificates (verified against
 * --client-ca-file; an unverified certificate still completes the handshake and is refused by authentication, as in
 * Go). Plain HTTP sent to the secure port gets Go's crypto/tls answer:
 * "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n" (net/http server.go).
 */
import http, {type IncomingMessage, type ServerResponse} from 'node:http'
import https from 'node:https'
import net, {type AddressInfo, type Socket} from 'node:net'
import {StartupError} from '../errors.js'

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void

export interface RunningListener {
  host: string
  port: number
  close(): Promise<void>
}

const TLS_HANDSHAKE_RECORD = 0x16
const HTTP_PREFIXES = ['GET /', 'HEAD ', 'POST ', 'PUT /', 'OPTIO']
export const PLAIN_HTTP_TO_HTTPS_ANSWER = 'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n'

function trackSockets(server: net.Server): Set<Socket> {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  return sockets
}

async function listen(server: net.Server, host: string, port: number): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException): void => {
      const reason = error.code === 'EADDRINUSE' ? 'bind: address already in use' : error.code === 'EADDRNOTAVAIL' ? 'bind: cannot assign requested address' : error.message
      const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
      reject(new StartupError(`failed to listen on ${address}: listen tcp ${address}: ${reason}`))
    }
    server.once('error', fail)
    server.listen(port, host, () => {
      server.off('error', fail)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error(`no TCP address for ${host}:${port}`)
  return address
}

function closer(servers: net.Server[], sockets: Set<Socket>[]): () => Promise<void> {
  return async () => {
    for (const set of sockets) for (const socket of set) socket.destroy()
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))))
  }
}

export interface SecureListenerOptions {
  host: string
  port: number
  cert: Buffer
  key: Buffer
  clientCa?: Buffer
  handler: RequestHandler
}

export async function listenSecure(options: SecureListenerOptions): Promise<RunningListener> {
  const tlsServer = https.createServer(
    {
      cert: options.cert,
      key: options.key,
      ...(options.clientCa ? {ca: options.clientCa, requestCert: true, rejectUnauthorized: false} : {}),
      minVersion: 'TLSv1.2',
    },
    options.handler,
  )
  const front = net.createServer((socket) => {
    socket.once('data', (chunk: Buffer) => {
      socket.pause()
      if (chunk[0] === TLS_HANDSHAKE_RECORD) {
        socket.unshift(chunk)
        tlsServer.emit('connection', socket)
        process.nextTick(() => socket.resume())
        return
      }
      const head = chunk.subarray(0, 5).toString('latin1')
      if (HTTP_PREFIXES.includes(head)) socket.end(PLAIN_HTTP_TO_HTTPS_ANSWER)
      else socket.destroy()
    })
    socket.on('error', () => socket.destroy())
  })
  const frontSockets = trackSockets(front)
  const address = await listen(front, options.host, options.port)
  return {host: address.address, port: address.port, close: closer([front, tlsServer], [frontSockets])}
}

export async function listenInsecure(host: string, port: number, handler: RequestHandler): Promise<RunningListener> {
  const server = http.createServer(handler)
  const sockets = trackSockets(server)
  const address = await listen(server, host, port)
  return {host: address.address, port: address.port, close: closer([server], [sockets])}
}
