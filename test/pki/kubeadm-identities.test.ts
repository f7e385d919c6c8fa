import {describe, expect, it} from '@jest/globals'
import {InvalidKubernetesVersionError} from '../../src/pki/errors.js'
import {CLUSTER_ADMINS_GROUP, SYSTEM_MASTERS_GROUP, adminGroup, separatesSuperAdmin} from '../../src/pki/kubeadm-identities.js'
import {parseKubernetesVersion} from '../../src/pki/kubernetes-version.js'

describe('kubeadm identities by Kubernetes version', () => {
  it('parses the version forms kubeadm and kind use', () => {
    expect(parseKubernetesVersion('v1.29.2')).toEqual({major: 1, minor: 29, patch: 2})
    expect(parseKubernetesVersion('1.30')).toEqual({major: 1, minor: 30, patch: 0})
    expect(parseKubernetesVersion(' v1.29.0-rc.1 ')).toEqual({major: 1, minor: 29, patch: 0})
    expect(parseKubernetesVersion('v1.31.1+k3s1')).toEqual({major: 1, minor: 31, patch: 1})
    for (const bad of ['', 'latest', 'stable-1', '1', 'v1.x.0']) {
      expect(() => parseKubernetesVersion(bad)).toThrow(InvalidKubernetesVersionError)
    }
  })

  it('moves admin.conf off system:masters from 1.29 on, pre-releases included', () => {
    expect(separatesSuperAdmin('v1.28.15')).toBe(false)
    expect(separatesSuperAdmin('v1.29.0-alpha.1')).toBe(true)
    expect(separatesSuperAdmin('1.29')).toBe(true)
    expect(separatesSuperAdmin('v2.0.0')).toBe(true)
    expect(separatesSuperAdmin('v0.99.0')).toBe(false)
    expect(adminGroup('v1.19.16')).toBe(SYSTEM_MASTERS_GROUP)
    expect(adminGroup('v1.33.0')).toBe(CLUSTER_ADMINS_GROUP)
  })
})
