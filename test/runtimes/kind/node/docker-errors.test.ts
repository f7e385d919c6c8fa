import {describe, expect, it} from '@jest/globals'
import {DockerNodeAccess} from '../../../../src/runtimes/kind/node/docker-node.js'
import {DockerDaemonUnavailableError, DockerNotInstalledError, NodeContainerNotRunningError} from '../../../../src/runtimes/kind/node/errors.js'
import {parseProcessListing} from '../../../../src/runtimes/kind/node/processes.js'
import {inspectedContainer} from '../../../../src/runtimes/kind/node/restart.js'

/*
 * What the docker client really says when the node container cannot be reached, turned into errors that say
 * what to do. The client and daemon are the real ones on this machine (Docker 20.10); nothing is mocked.
 */
describe('DockerNodeAccess when Docker cannot reach the node', () => {
  it('names a container that does not exist and says to bring the lab up again', async () => {
    const node = new DockerNodeAccess(`kubelab-missing-${process.pid}-control-plane`)
    const error = await node.readFile('/etc/kubernetes/manifests/etcd.yaml').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NodeContainerNotRunningError)
    expect((error as Error).message).toBe(`docker: the node container kubelab-missing-${process.pid}-control-plane is not running (no such container) — \`kubelab up\` again (the lab's cluster was deleted).`)
    await expect(node.run(['true'], {stdio: 'ignore'})).rejects.toBeInstanceOf(NodeContainerNotRunningError)
  })

  it('says the daemon does not answer, with how to start it', async () => {
    const node = new DockerNodeAccess('kubelab-x-control-plane', {docker: 'docker', env: {...process.env, DOCKER_HOST: 'unix:///nonexistent/kubelab-docker.sock'}})
    const error = await node.stat('/etc/kubernetes').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(DockerDaemonUnavailableError)
    expect((error as Error).message).toMatch(/^docker: the Docker daemon does not answer \(Cannot connect to the Docker daemon at unix:\/\/\/nonexistent\/kubelab-docker\.sock\. Is the docker daemon running\?\), so the node container kubelab-x-control-plane cannot be reached\. Start it/)
  })

  it('says the Docker client is missing', async () => {
    const node = new DockerNodeAccess('kubelab-x-control-plane', {docker: 'kubelab-no-such-docker', env: process.env})
    const error = await node.processes().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(DockerNotInstalledError)
    expect((error as Error).message).toContain('the Docker client `kubelab-no-such-docker` is not installed or not on PATH')
  })
})

describe('reading what the node prints', () => {
  it('splits /proc command lines and leaves out the reading shell and kernel threads', () => {
    const listing = Buffer.from('42\x02' + '1\x01/sbin/tini\0--\0node\0\x02' + '42\x01sh\0-c\0…\0\x02' + '7\x01\x02' + '318\x01/usr/bin/etcd\0--name=a b\0\x02', 'utf8')
    expect(parseProcessListing(listing)).toEqual([
      {pid: 1, argv: ['/sbin/tini', '--', 'node']},
      {pid: 318, argv: ['/usr/bin/etcd', '--name=a b']},
    ])
  })

  it("takes the pid and attempt from crictl inspect's JSON", () => {
    expect(inspectedContainer(JSON.stringify({status: {metadata: {name: 'etcd', attempt: 2}}, info: {pid: 981}}))).toEqual({pid: 981, attempt: 2})
    expect(inspectedContainer(JSON.stringify({status: {metadata: {attempt: 0}}, info: {pid: 0}}))).toEqual({pid: undefined, attempt: 0})
    expect(inspectedContainer('not json')).toEqual({pid: undefined, attempt: 0})
  })
})
