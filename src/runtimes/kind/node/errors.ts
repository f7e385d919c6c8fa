import {KindError} from '../errors.js'

/**
 * Why kubelab could not reach a kind node container through Docker, or a command kubelab ran in it
 * failed. Each message names the container and what to do; the commands print it and exit 1.
 */
export class DockerNodeError extends KindError {
  constructor(
    readonly container: string,
    message: string,
  ) {
    super(message)
    this.name = 'DockerNodeError'
  }
}

/** No `docker` client on PATH (execa's ENOENT). */
export class DockerNotInstalledError extends DockerNodeError {
  constructor(container: string, readonly docker: string) {
    super(container, `docker: the Docker client \`${docker}\` is not installed or not on PATH, so the node container ${container} cannot be reached. Install Docker (e.g. \`apt-get install docker.io\`) and run the command again.`)
    this.name = 'DockerNotInstalledError'
  }
}

/** The client runs but no daemon answers (or the socket is not ours to use). */
export class DockerDaemonUnavailableError extends DockerNodeError {
  constructor(container: string, readonly detail: string) {
    super(container, `docker: the Docker daemon does not answer (${detail}), so the node container ${container} cannot be reached. Start it (\`sudo systemctl start docker\`, or \`dockerd\`) and check that you may use its socket (the docker group).`)
    this.name = 'DockerDaemonUnavailableError'
  }
}

/** The container is gone, stopped or paused. */
export class NodeContainerNotRunningError extends DockerNodeError {
  constructor(container: string, readonly state: 'missing' | 'stopped' | 'paused') {
    const fix = state === 'missing' ? '`kubelab up` again (the lab\'s cluster was deleted)' : state === 'paused' ? `\`docker unpause ${container}\`` : `\`kubelab up\` again or \`docker start ${container}\``
    super(container, `docker: the node container ${container} is not running${state === 'missing' ? ' (no such container)' : state === 'paused' ? ' (it is paused)' : ''} — ${fix}.`)
    this.name = 'NodeContainerNotRunningError'
  }
}

/** A command kubelab itself runs in the node (not the user's) failed: what it was, and what it said. */
export class NodeCommandError extends DockerNodeError {
  constructor(container: string, readonly what: string, readonly status: number, readonly stderr: string) {
    super(container, `${what} in the node container ${container} failed (exit ${status})${stderr.trim() === '' ? '' : `: ${stderr.trim().split('\n').slice(-3).join(' | ')}`}`)
    this.name = 'NodeCommandError'
  }
}
