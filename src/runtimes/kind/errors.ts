/** Something the kind runtime could not do; the message says what to do about it. */
export class KindError extends Error {}

/** Links a learner can follow. */
export const KIND_INSTALL = {
  docker: 'Install Docker: `sudo apt-get install docker.io` (Debian/Ubuntu) or Docker Engine from https://docs.docker.com/engine/install/, then `sudo systemctl start docker`.',
  kind: 'Install kind: `go install sigs.k8s.io/kind@v0.30.0`, or the release binary: `curl -Lo ./kind https://kind.sigs.k8s.io/dl/v0.30.0/kind-linux-amd64 && chmod +x ./kind && sudo mv ./kind /usr/local/bin/kind` (https://kind.sigs.k8s.io/docs/user/quick-start/#installation).',
} as const

/** Checked before anything is created; nothing was changed. */
export class KindPreflightError extends KindError {
  constructor(
    /** What is missing or wrong. */
    readonly problem: string,
    /** How to fix it. */
    readonly fix: string,
  ) {
    super(`the kind runtime cannot start here: ${problem}\nFix: ${fix}`)
    this.name = 'KindPreflightError'
  }
}

/** `kind create cluster` failed; kubelab deleted what it had made. */
export class KindCreateError extends KindError {
  constructor(
    readonly cluster: string,
    /** The kind stage that failed, e.g. "Starting control-plane". */
    readonly stage: string | undefined,
    readonly output: string,
  ) {
    super(`kind create cluster --name ${cluster} failed${stage ? ` at "${stage}"` : ''}${output ? `:\n${output}` : ''}`)
    this.name = 'KindCreateError'
  }
}

/** A kind command other than create failed. */
export class KindCommandError extends KindError {
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super(`\`${command}\` failed${output ? `: ${output}` : ''}`)
    this.name = 'KindCommandError'
  }
}

/** The cluster was created, but its API server did not answer through the mapped port in time. */
export class KindNotReadyError extends KindError {
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
    readonly lastAnswer: string,
  ) {
    super(`the API server at ${url} did not answer /readyz within ${timeoutMs} ms (last: ${lastAnswer}); \`docker logs\` of the node container and \`kubelab logs\` show why`)
    this.name = 'KindNotReadyError'
  }
}

/** A post-create step could not be done inside the node. */
export class KindPostCreateError extends KindError {
  constructor(
    readonly step: string,
    readonly reason: string,
  ) {
    super(`after kind created the cluster, "${step}" failed: ${reason}`)
    this.name = 'KindPostCreateError'
  }
}
