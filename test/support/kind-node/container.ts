import {GenericContainer, Wait, type StartedTestContainer} from 'testcontainers'
import {FIXTURE_READY} from './node/paths.js'

/** Docker's labels on every kind node container (kind pkg/cluster/internal/providers/docker/constants.go). */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster'
export const KIND_ROLE_LABEL = 'io.x-k8s.kind.role'

/** A published port: the host side on 127.0.0.1, the node side inside the container. */
export interface PortPublication {
  host: number
  container: number
}

export interface FixtureNodeOptions {
  image: string
  /** kind's cluster name; the container (and node) is `<cluster>-control-plane`. */
  cluster: string
  scenario: string
  ports: readonly PortPublication[]
  /** In-node ports replacing kubeadm's defaults (NodePorts keys), for KUBELAB_FIXTURE_PORTS. */
  inNodePorts?: Readonly<Record<string, number>>
  startupTimeoutMs?: number
}

export interface StartedFixtureNode {
  container: StartedTestContainer
  /** `<cluster>-control-plane` */
  name: string
  /** From `docker run` until the entrypoint reported the API server ready. */
  startMs: number
}

/**
 * testcontainers 11.14's withExposedPorts takes container and host port but no host address: it asks Docker
 * for `HostPort` alone, which listens on every interface. kind publishes on 127.0.0.1 (extraPortMappings
 * listenAddress), so the container's HostConfig.PortBindings — the create option under withExposedPorts —
 * get `HostIp: 127.0.0.1` here.
 */
class LoopbackPublishedContainer extends GenericContainer {
  withLoopbackPorts(ports: readonly PortPublication[]): this {
    this.withExposedPorts(...ports.map((port) => ({container: port.container, host: port.host})))
    const bindings = this.hostConfig.PortBindings as Record<string, Array<{HostIp?: string; HostPort?: string}>> | undefined
    for (const port of ports) {
      if (bindings) bindings[`${port.container}/tcp`] = [{HostIp: '127.0.0.1', HostPort: String(port.host)}]
    }
    return this
  }
}

/**
 * Runs the fixture image as kind runs a node: named and labelled as kind names them, hostname = node name,
 * ports published on 127.0.0.1. Resolves once the node's API server answers. Ryuk must be off
 * (TESTCONTAINERS_RYUK_DISABLED=true): the caller stops the container.
 */
export async function startFixtureNode(options: FixtureNodeOptions): Promise<StartedFixtureNode> {
  const name = `${options.cluster}-control-plane`
  const started = Date.now()
  const container = await new LoopbackPublishedContainer(options.image)
    .withName(name)
    .withHostname(name)
    .withLabels({[KIND_CLUSTER_LABEL]: options.cluster, [KIND_ROLE_LABEL]: 'control-plane'})
    .withEnvironment({
      KUBELAB_FIXTURE_SCENARIO: options.scenario,
      ...(options.inNodePorts ? {KUBELAB_FIXTURE_PORTS: JSON.stringify(options.inNodePorts)} : {}),
    })
    .withLoopbackPorts(options.ports)
    .withWaitStrategy(Wait.forLogMessage(FIXTURE_READY))
    .withStartupTimeout(options.startupTimeoutMs ?? 120_000)
    .start()
  return {container, name, startMs: Date.now() - started}
}
