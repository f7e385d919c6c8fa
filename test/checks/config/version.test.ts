import {describe, expect, it} from '@jest/globals'
import {clusterVersion, versionBefore} from '../../../src/checks/config/version.js'
import {createCheckContext} from '../../../src/checks/context.js'
import {DEFAULT_PORTS, type NodeAccess, type Target} from '../../../src/target/types.js'
import {fixtureNode} from '../../support/node-roots.js'

function contextFor(node: NodeAccess | undefined, kubernetesVersion?: string) {
  const target: Target = {endpoints: {host: '127.0.0.1', ports: {...DEFAULT_PORTS}}, timeoutMs: 1000}
  if (node) target.node = node
  if (kubernetesVersion) target.kubernetesVersion = kubernetesVersion
  return createCheckContext(target)
}

describe('clusterVersion', () => {
  it('prefers the version the target declares, without its "v"', async () => {
    expect(await clusterVersion(contextFor(fixtureNode('kubeadm-1.34-hardened'), 'v1.19.16'))).toBe('1.19.16')
  })

  it('else reads the kube-apiserver image tag from the manifest', async () => {
    expect(await clusterVersion(contextFor(fixtureNode('kubeadm-1.19-all-open')))).toBe('1.19.16')
    expect(await clusterVersion(contextFor(fixtureNode('kubeadm-1.34-hardened')))).toBe('1.34.1')
  })

  it('is undefined without a declared version, node access, or a readable manifest', async () => {
    expect(await clusterVersion(contextFor(undefined))).toBeUndefined()
    expect(await clusterVersion(contextFor(fixtureNode('kubelet-no-config')))).toBeUndefined()
    expect(await clusterVersion(contextFor(fixtureNode('broken-manifest')))).toBeUndefined()
  })
})

describe('versionBefore', () => {
  it.each([
    ['1.19.16', '1.20', true],
    ['v1.19.0', '1.20', true],
    ['1.20.0', '1.20', false],
    ['1.20.0-rc.1', '1.20', false],
    ['1.34.1', '1.20', false],
    ['1.9.11', '1.10', true],
    ['1.100.0', '1.20', false],
    ['0.99.0', '1.20', true],
    ['2.0.0', '1.20', false],
  ])('%s before %s: %s', (version, minor, expected) => {
    expect(versionBefore(version, minor)).toBe(expected)
  })

  it('refuses text that is not a version', () => {
    expect(() => versionBefore('latest', '1.20')).toThrow(/not a Kubernetes version: "latest"/)
  })
})
