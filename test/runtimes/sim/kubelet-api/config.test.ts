/**
 * How the sim kubelet resolves its settings from a node's files — kubeadm's drop-in, kubeadm-flags.env, then the
 * --config file, flags winning, v1beta1 or legacy defaults — and how it refuses what the real kubelet refuses, with
 * the real kubelet's error text and the file, line and flag to fix.
 */
import {afterAll, describe, expect, it} from '@jest/globals'
import {resolveKubeletSettings} from '../../../../src/runtimes/sim/kubelet/api/config.js'
import {KubeletStartupError} from '../../../../src/runtimes/sim/kubelet/api/errors.js'
import {parseKubeVersion} from '../../../../src/runtimes/sim/apiserver/version.js'
import {fixtureLine, fixtureNode, tempNodeRoot, type TempNodeRoot} from '../../../support/node-roots.js'

const V134 = parseKubeVersion('1.34.1')
const CONFIG = '/var/lib/kubelet/config.yaml'
const FLAGS = '/var/lib/kubelet/kubeadm-flags.env'
const roots: TempNodeRoot[] = []

async function nodeWith(files: Record<string, string>): Promise<TempNodeRoot> {
  const root = await tempNodeRoot('kcheck-hardened', files)
  roots.push(root)
  return root
}

async function hardenedWith(edit: (text: string) => string): Promise<TempNodeRoot> {
  const text = (await fixtureNode('kcheck-hardened').readFile(CONFIG)) ?? ''
  return nodeWith({[CONFIG]: edit(text)})
}

async function startupError(root: TempNodeRoot): Promise<KubeletStartupError> {
  try {
    await resolveKubeletSettings(root.node, V134)
  } catch (error) {
    if (error instanceof KubeletStartupError) return error
    throw error
  }
  throw new Error('the kubelet settings resolved; a KubeletStartupError was expected')
}

afterAll(async () => {
  await Promise.all(roots.map((root) => root.remove()))
})

describe('effective settings', () => {
  it('reads kubeadm\'s files: the drop-in\'s --config and --kubeconfig, and the config file with zero durations defaulted', async () => {
    const settings = await resolveKubeletSettings(fixtureNode('kcheck-hardened'), V134)
    expect(settings).toMatchObject({
      configFile: CONFIG,
      kubeconfig: '/etc/kubernetes/kubelet.conf',
      bootstrapKubeconfig: '/etc/kubernetes/bootstrap-kubelet.conf',
      anonymousAuth: false,
      webhookAuthentication: true,
      webhookCacheTtlMs: 120_000,
      clientCAFile: '/etc/kubernetes/pki/ca.crt',
      authorizationMode: 'Webhook',
      cacheAuthorizedTtlMs: 300_000,
      cacheUnauthorizedTtlMs: 30_000,
      readOnlyPort: 0,
      port: 10250,
      // kubeadm writes no address: the kubelet's default is every interface (kubelab listens on loopback anyway).
      address: '0.0.0.0',
      staticPodPath: '/etc/kubernetes/manifests',
      rotateCertificates: true,
      nodeStatusUpdateFrequencyMs: 10_000,
      enableDebuggingHandlers: true,
    })
    expect(settings.origins.get('anonymousAuth')).toEqual({source: 'config-file', file: CONFIG, line: await fixtureLine('kcheck-hardened', CONFIG, 'enabled: false')})
  })

  it('lets kubeadm-flags.env win over the config file', async () => {
    const settings = await resolveKubeletSettings(fixtureNode('kcheck-flag-over-file'), V134)
    expect(settings).toMatchObject({anonymousAuth: true, authorizationMode: 'AlwaysAllow', readOnlyPort: 10255})
    expect(settings.origins.get('readOnlyPort')).toEqual({source: 'flag', file: FLAGS, line: 1, flag: 'read-only-port'})
  })

  it('keeps the legacy command-line defaults when no --config is given (anonymous on, read-only port 10255)', async () => {
    const settings = await resolveKubeletSettings(fixtureNode('kubelet-no-config'), V134)
    expect(settings).toMatchObject({
      configFile: undefined,
      anonymousAuth: true,
      webhookAuthentication: false,
      authorizationMode: 'Webhook',
      readOnlyPort: 10255,
      clientCAFile: '/etc/kubernetes/pki/ca.crt',
      staticPodPath: '/etc/kubernetes/manifests',
    })
    expect(settings.origins.get('anonymousAuth')).toEqual({source: 'default'})
  })

  it('resolves relative paths in the config file against its folder', async () => {
    const root = await hardenedWith((text) => text.replace('clientCAFile: /etc/kubernetes/pki/ca.crt', 'clientCAFile: ../../../etc/kubernetes/pki/ca.crt'))
    expect((await resolveKubeletSettings(root.node, V134)).clientCAFile).toBe('/etc/kubernetes/pki/ca.crt')
  })

  it('reads YAML 1.1 booleans as go-yaml does (`on` is true)', async () => {
    const root = await hardenedWith((text) => text.replace('  anonymous:\n    enabled: false', '  anonymous:\n    enabled: on'))
    expect((await resolveKubeletSettings(root.node, V134)).anonymousAuth).toBe(true)
  })

  it('serves the cAdvisor JSON endpoints (/spec) only before 1.18 by default, and never from 1.21', async () => {
    expect((await resolveKubeletSettings(fixtureNode('kcheck-hardened'), parseKubeVersion('1.17.17'))).cadvisorJsonEndpoints).toBe(true)
    expect((await resolveKubeletSettings(fixtureNode('kcheck-hardened'), parseKubeVersion('1.19.16'))).cadvisorJsonEndpoints).toBe(false)
    const flagged = await nodeWith({[FLAGS]: 'KUBELET_KUBEADM_ARGS="--enable-cadvisor-json-endpoints=true"\n'})
    expect((await resolveKubeletSettings(flagged.node, parseKubeVersion('1.19.16'))).cadvisorJsonEndpoints).toBe(true)
    expect((await resolveKubeletSettings(flagged.node, V134)).cadvisorJsonEndpoints).toBe(false)
  })
})

describe('a config the kubelet refuses', () => {
  const prefix = `failed to load kubelet config file, path: ${CONFIG}, error: failed to load Kubelet config file ${CONFIG}, error `

  it('YAML that does not parse: go-yaml\'s error with its line', async () => {
    const root = await hardenedWith((text) => text.replace('  mode: Webhook', '  mode: Webhook\n    extra: indented'))
    const error = await startupError(root)
    const line = (await fixtureLine('kcheck-hardened', CONFIG, 'mode: Webhook')) + 1
    expect(error.message).toBe(`${prefix}failed to decode: error converting YAML to JSON: yaml: line ${line}: mapping values are not allowed in this context`)
    expect(error).toMatchObject({stage: 'config-file', location: {file: CONFIG, line}})
  })

  it('a value of the wrong type: Go\'s json error naming the struct field', async () => {
    const root = await hardenedWith((text) => text.replace('  anonymous:\n    enabled: false', '  anonymous:\n    enabled: "false"'))
    const error = await startupError(root)
    expect(error.message).toBe(`${prefix}failed to decode: json: cannot unmarshal string into Go struct field KubeletAnonymousAuthentication.authentication.anonymous.enabled of type bool`)
    expect(error.location).toEqual({file: CONFIG, line: await fixtureLine('kcheck-hardened', CONFIG, 'enabled: false'), setting: 'authentication.anonymous.enabled'})
    expect(error.where()).toBe(`${CONFIG} line ${error.location.line ?? 0}, authentication.anonymous.enabled`)
  })

  it('a port that is not an int32', async () => {
    const root = await hardenedWith((text) => `${text}readOnlyPort: 10255.5\n`)
    expect((await startupError(root)).message).toBe(`${prefix}failed to decode: json: cannot unmarshal number 10255.5 into Go struct field KubeletConfiguration.readOnlyPort of type int32`)
  })

  it('a struct given a scalar', async () => {
    const root = await hardenedWith((text) => text.replace(/authorization:\n  mode: Webhook\n  webhook:\n    cacheAuthorizedTTL: 0s\n    cacheUnauthorizedTTL: 0s\n/, 'authorization: Webhook\n'))
    expect((await startupError(root)).message).toBe(`${prefix}failed to decode: json: cannot unmarshal string into Go struct field KubeletConfiguration.authorization of type v1beta1.KubeletAuthorization`)
  })

  it('a duration Go cannot parse', async () => {
    const root = await hardenedWith((text) => text.replace('    cacheTTL: 0s', '    cacheTTL: 2 minutes'))
    expect((await startupError(root)).message).toBe(`${prefix}failed to decode: time: unknown unit " minutes" in duration "2 minutes"`)
  })

  it('another kind', async () => {
    const root = await hardenedWith((text) => text.replace('kind: KubeletConfiguration', 'kind: KubeProxyConfiguration'))
    expect((await startupError(root)).message).toBe(
      `${prefix}failed to decode: no kind "KubeProxyConfiguration" is registered for version "kubelet.config.k8s.io/v1beta1" in scheme "k8s.io/kubernetes/pkg/kubelet/apis/config/scheme/scheme.go:32"`,
    )
  })

  it('an empty file, and a missing one', async () => {
    expect((await startupError(await nodeWith({[CONFIG]: ''}))).message).toBe(`${prefix}kubelet config file "${CONFIG}" was empty`)
    const missing = await tempNodeRoot('kcheck-hardened', {}, [CONFIG])
    roots.push(missing)
    expect((await startupError(missing)).message).toBe(`${prefix}failed to read kubelet config file "${CONFIG}", error: open ${CONFIG}: no such file or directory`)
  })

  it('a port out of range: the validation error, aggregated', async () => {
    const root = await hardenedWith((text) => `${text}readOnlyPort: 70000\n`)
    const error = await startupError(root)
    expect(error.message).toBe('failed to validate kubelet configuration, error: invalid configuration: readOnlyPort (--read-only-port) 70000 must be between 0 and 65535, inclusive, path: &{…}')
    expect(error).toMatchObject({stage: 'validation', location: {file: CONFIG, setting: 'readOnlyPort'}})
    const both = await hardenedWith((text) => `${text}readOnlyPort: 70000\nport: 99999\n`)
    expect((await startupError(both)).message).toBe(
      'failed to validate kubelet configuration, error: [invalid configuration: port (--port) 99999 must be between 1 and 65535, inclusive, invalid configuration: readOnlyPort (--read-only-port) 70000 must be between 0 and 65535, inclusive], path: &{…}',
    )
  })

  it('a flag pflag cannot parse, with the file and line that set it', async () => {
    const root = await nodeWith({[FLAGS]: 'KUBELET_KUBEADM_ARGS="--anonymous-auth=yes --pod-infra-container-image=registry.k8s.io/pause:3.10.1"\n'})
    const error = await startupError(root)
    expect(error.message).toBe('failed to parse kubelet flag: invalid argument "yes" for "--anonymous-auth" flag: strconv.ParseBool: parsing "yes": invalid syntax')
    expect(error.location).toEqual({file: FLAGS, line: 1, flag: 'anonymous-auth'})
    const port = await nodeWith({[FLAGS]: 'KUBELET_KUBEADM_ARGS="--read-only-port=ten"\n'})
    expect((await startupError(port)).message).toBe('failed to parse kubelet flag: invalid argument "ten" for "--read-only-port" flag: strconv.ParseInt: parsing "ten": invalid syntax')
  })

  it('a boolean flag given its value as the next word: pflag leaves "false" as a stray command', async () => {
    const root = await nodeWith({[FLAGS]: 'KUBELET_KUBEADM_ARGS="--anonymous-auth false"\n'})
    const error = await startupError(root)
    expect(error.message).toBe('unknown command false')
    expect(error.location).toEqual({file: FLAGS, line: 1})
  })

  it('prints as the kubelet logs it before exiting', () => {
    const error = new KubeletStartupError('unknown command false', 'flags')
    expect(error.klogLine(new Date(2026, 10, 27, 6, 4, 19, 557), 4321)).toBe('E1127 06:04:19.557000    4321 run.go:74] "command failed" err="unknown command false"')
  })
})
