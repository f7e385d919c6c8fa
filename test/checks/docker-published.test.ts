/**
 * A closed port behind a Docker port mapping: Docker's proxy (docker-proxy, the userland proxy of dockerd) accepts
 * the connection on the host port even when nothing listens behind it in the container, then closes it without a
 * byte. The reset server below does exactly that. On a target whose ports are Docker mappings (a kind node) that
 * means "closed"; anywhere else a port that accepts and hangs up is not something the wire can judge.
 */
import {describe, expect, it} from '@jest/globals'
import {insecurePortCheck} from '../../src/checks/catalogue/apiserver/insecure-port.js'
import {kubeletReadOnlyPort} from '../../src/checks/catalogue/kubelet/read-only-port.js'
import {DEFAULT_PORTS, type Target} from '../../src/target/types.js'
import {startHostileServer} from '../support/hostile-servers.js'
import {auditOne} from './catalogue/etcd/helpers.js'

function target(port: number, dockerPublished: boolean): Target {
  return {
    endpoints: {host: '127.0.0.1', ports: {...DEFAULT_PORTS, kubeletReadOnly: port, apiserverInsecure: port}, ...(dockerPublished ? {dockerPublished} : {})},
    timeoutMs: 1000,
  }
}

describe('ports that are Docker port mappings', () => {
  it.each([kubeletReadOnlyPort, insecurePortCheck])('$id: a connection closed unanswered is a closed port on a kind node, and an error elsewhere', async (check) => {
    const server = await startHostileServer('reset')
    try {
      const onKind = await auditOne(check, target(server.port, true))
      expect(onKind.wire.map((item) => item.verdict)).toEqual(['pass'])
      expect(onKind.wire[0]?.error).toContain("closed unanswered by Docker's port mapping")

      const elsewhere = await auditOne(check, target(server.port, false))
      expect(elsewhere.wire.map((item) => item.verdict)).toEqual(['error'])
    } finally {
      await server.close()
    }
  })
})
