import {chmod, rename, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {defaultConnection} from '../runtimes/kind/node/docker.js'
import {DockerNodeAccess} from '../runtimes/kind/node/docker-node.js'
import {kindNamesFor} from '../runtimes/kind/types.js'
import {NODE_FILE_MODES} from '../runtimes/sim/node-files/types.js'
import {simNodeLayout} from '../runtimes/sim/node/layout.js'
import {NodeRootAccess} from '../target/node-root.js'
import type {NodeAccess} from '../target/types.js'
import type {Lab} from './registry.js'

/**
 * A lab's node, whatever runtime it lives on, addressed by the node's own paths
 * (/etc/kubernetes/manifests/kube-apiserver.yaml): what the auditor reads, and what solutions,
 * resets and playbooks change.
 */
export interface LabNode {
  /** The node's files and processes as the auditor sees them. */
  readonly access: NodeAccess
  readFile(nodePath: string): Promise<string | undefined>
  /**
   * Replaces the file in one step (a temp file renamed over it), keeping its mode, so a watching
   * kubelet never reads half a file.
   */
  writeFile(nodePath: string, text: string): Promise<void>
}

export function labNode(lab: Lab): LabNode {
  return lab.record.runtime === 'kind' ? new KindLabNode(kindNodeAccess(lab)) : new SimLabNode(lab)
}

/** kind's node container of a kind lab: as recorded by `up`, else kind's name for the lab's cluster. */
export function kindNodeContainer(lab: Lab): string {
  return lab.record.kind?.nodeContainer ?? kindNamesFor(lab.name).nodeContainer
}

/** `docker exec` into a kind lab's node container, with this process's Docker settings (DOCKER_HOST …). */
export function kindNodeAccess(lab: Lab, env: Readonly<Record<string, string | undefined>> = process.env): DockerNodeAccess {
  return new DockerNodeAccess(kindNodeContainer(lab), defaultConnection(env))
}

/** A kind lab's node: the files inside its node container; a new file gets kubeadm's mode for its path. */
class KindLabNode implements LabNode {
  constructor(readonly access: DockerNodeAccess) {}

  readFile(nodePath: string): Promise<string | undefined> {
    return this.access.readFile(nodePath)
  }

  writeFile(nodePath: string, text: string): Promise<void> {
    return this.access.writeFile(nodePath, text, {mode: NODE_FILE_MODES[nodePath] ?? 0o600})
  }
}

class SimLabNode implements LabNode {
  readonly access: NodeRootAccess

  constructor(lab: Lab) {
    this.access = new NodeRootAccess(simNodeLayout(lab.dir).nodeRoot)
  }

  readFile(nodePath: string): Promise<string | undefined> {
    return this.access.readFile(nodePath)
  }

  async writeFile(nodePath: string, text: string): Promise<void> {
    const file = this.access.resolve(nodePath)
    const existing = await stat(file).catch(() => undefined)
    const mode = existing ? existing.mode & 0o777 : (NODE_FILE_MODES[nodePath] ?? 0o600)
    const staging = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.kubelab-tmp`)
    await writeFile(staging, text, {mode})
    await chmod(staging, mode)
    await rename(staging, file)
  }
}
