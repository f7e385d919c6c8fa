import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {createKindRuntime} from '../../../src/runtimes/kind/kind-runtime.js'
import {KindPreflightError} from '../../../src/runtimes/kind/errors.js'
import {parseKindStatusLine} from '../../../src/runtimes/kind/kind-cli.js'
import {loadScenario} from '../../../src/scenario/load.js'
import type {Scenario} from '../../../src/scenario/schema.js'
import {PROJECT_ROOT} from '../../commands/run-in-process.js'
import {fakeKind, type FakeKind} from '../../support/fake-kind.js'

let fake: FakeKind
let insecurePort: Scenario
let anonymousApi: Scenario

beforeAll(async () => {
  fake = await fakeKind()
  insecurePort = await loadScenario(path.join(PROJECT_ROOT, 'scenarios/insecure-port.yaml'))
  anonymousApi = await loadScenario(path.join(PROJECT_ROOT, 'scenarios/anonymous-api.yaml'))
})

afterAll(async () => {
  await fake.dispose()
})

async function preflightError(scenario: Scenario, env: Record<string, string>, choices = {}): Promise<KindPreflightError> {
  const error = await createKindRuntime({env, ...choices})
    .preflight({scenario})
    .then(() => undefined, (thrown: unknown) => thrown)
  if (!(error instanceof KindPreflightError)) throw new Error(`expected a KindPreflightError, got ${String(error)}`)
  return error
}

describe('kind preflight', () => {
  it('without docker on PATH: names Docker and how to install it', async () => {
    const error = await preflightError(anonymousApi, {PATH: fake.kindOnlyBin, FAKE_KIND_LOG: fake.log})
    expect(error.problem).toMatch(/no `docker` executable on PATH/)
    expect(error.fix).toMatch(/apt-get install docker\.io.*https:\/\/docs\.docker\.com\/engine\/install/)
  })

  it('without kind on PATH: names kind and how to install it', async () => {
    const error = await preflightError(anonymousApi, {PATH: fake.emptyBin})
    expect(error.message).toMatch(/no `docker` executable|no `kind` executable/)
    const kindMissing = await createKindRuntime({env: {PATH: `${fake.emptyBin}:/usr/bin:/bin`}})
      .preflight({scenario: anonymousApi})
      .catch((thrown: unknown) => thrown)
    expect(kindMissing).toBeInstanceOf(KindPreflightError)
    expect((kindMissing as KindPreflightError).problem).toBe('no `kind` executable on PATH')
    expect((kindMissing as KindPreflightError).fix).toMatch(/go install sigs\.k8s\.io\/kind@v0\.30\.0.*kind\.sigs\.k8s\.io/)
  })

  it('refuses the 1.19 image with kind v0.29 on a cgroup v1 host, and says what would work', async () => {
    const error = await preflightError(insecurePort, fake.env({FAKE_DOCKER_CGROUP: '1', FAKE_DOCKER_IMAGE: 'present'}))
    expect(error.problem).toMatch(/kindest\/node:v1\.19\.16@sha256:476cb326.* does not start with kind v0\.29\.0 on this cgroup v1 Docker host/)
    expect(error.fix).toMatch(/go install sigs\.k8s\.io\/kind@v0\.17\.0/)
    expect(error.fix).toMatch(/--insecure-port-stand-in/)
    expect(error.fix).toMatch(/--runtime sim/)
  })

  it('accepts the 1.19 image on a cgroup v2 host, and with kind older than v0.20 on cgroup v1', async () => {
    const v2 = await createKindRuntime({env: fake.env({FAKE_DOCKER_CGROUP: '2', FAKE_DOCKER_IMAGE: 'present'})}).preflight({scenario: insecurePort})
    expect(v2.notes).toContain('node image kindest/node:v1.19.16@sha256:476cb3269232888437b61deca013832fee41f9f074f9bed79f57e4280f7c48b7 is in Docker already')
    expect(v2.notes[0]).toMatch(/^kind v0\.29\.0 at .*\/kind; Docker 20\.10\.24 \(cgroup v2\)$/)
    const oldKind = await createKindRuntime({env: fake.env({FAKE_DOCKER_CGROUP: '1', FAKE_DOCKER_IMAGE: 'present', FAKE_KIND_VERSION: 'v0.17.0'})}).preflight({scenario: insecurePort})
    expect(oldKind.notes).toContain('insecure port: the real one (Kubernetes 1.19)')
  })

  it('with --insecure-port-stand-in runs the modern image on cgroup v1, and warns that kind v0.29 did not build it', async () => {
    const result = await createKindRuntime({env: fake.env({FAKE_DOCKER_CGROUP: '1', FAKE_DOCKER_REGISTRY: 'up'}), insecurePortStandIn: true}).preflight({scenario: insecurePort})
    expect(result.notes).toContain('insecure port: the kubectl proxy stand-in')
    expect(result.notes.join('\n')).toMatch(/node image kindest\/node:v1\.34\.0@sha256:7416a61b.* is not in Docker yet: kind pulls it/)
    expect(result.notes.join('\n')).toMatch(/kind v0\.29\.0 is older than v0\.30\.0, which built kindest\/node:v1\.34\.0/)
  })

  it('refuses a modern image with kind older than v0.20', async () => {
    const error = await preflightError(anonymousApi, fake.env({FAKE_KIND_VERSION: 'v0.17.0', FAKE_DOCKER_IMAGE: 'present'}))
    expect(error.problem).toMatch(/kind v0\.17\.0 is too old for kindest\/node:v1\.34\.0/)
  })

  it('refuses when the image is neither in Docker nor in a registry that answers', async () => {
    const error = await preflightError(anonymousApi, fake.env({FAKE_DOCKER_CGROUP: '2'}))
    expect(error.problem).toMatch(/the node image kindest\/node:v1\.34\.0@sha256:.* is not in Docker and the registry does not answer for it \(no such manifest/)
    expect(error.fix).toMatch(/docker load/)
  })
})

describe("kind's status lines", () => {
  it('reads the stages kind prints without a terminal', () => {
    expect(parseKindStatusLine(' • Ensuring node image (kindest/node:v1.34.0) 🖼  ...')).toEqual({state: 'started', stage: 'Ensuring node image (kindest/node:v1.34.0)'})
    expect(parseKindStatusLine(' ✓ Ensuring node image (kindest/node:v1.34.0) 🖼')).toEqual({state: 'done', stage: 'Ensuring node image (kindest/node:v1.34.0)'})
    expect(parseKindStatusLine(' ✓ Starting control-plane 🕹️')).toEqual({state: 'done', stage: 'Starting control-plane'})
    expect(parseKindStatusLine(' ✗ Starting control-plane 🕹️')).toEqual({state: 'failed', stage: 'Starting control-plane'})
    expect(parseKindStatusLine(' \x1b[32m✓\x1b[0m Preparing nodes 📦 ')).toEqual({state: 'done', stage: 'Preparing nodes'})
    expect(parseKindStatusLine('Creating cluster "kubelab-x" ...')).toBeUndefined()
    expect(parseKindStatusLine('Set kubectl context to "kind-kubelab-x"')).toBeUndefined()
  })
})
