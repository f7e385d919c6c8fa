import net from 'node:net'

/**
 * TCP servers that misbehave the ways a broken or hostile endpoint does: accept and never answer,
 * answer bytes that are not HTTP, or drop the connection as soon as it opens.
 */
export type HostileBehaviour = 'silent' | 'garbage' | 'reset'

export interface HostileServer {
  port: number
  close(): Promise<void>
}

export async function startHostileServer(behaviour: HostileBehaviour): Promise<HostileServer> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    if (behaviour === 'garbage') socket.once('data', () => socket.write('\x00\x01\x02 this is not HTTP at all \xff\r\n\r\n'))
    if (behaviour === 'reset') socket.resetAndDestroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as net.AddressInfo
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
