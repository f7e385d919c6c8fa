import {describe, expect, it} from '@jest/globals'
import {parseKubeletArgs} from '../../../../src/runtimes/sim/kubelet/cli-args.js'
import {KubeletUsageError} from '../../../../src/runtimes/sim/kubelet/errors.js'
import {isManifestFileName} from '../../../../src/runtimes/sim/kubelet/kubelet.js'

describe('the kubelet command line', () => {
  it('takes --lab-dir and --bin-dir in both forms, as absolute paths', () => {
    expect(parseKubeletArgs(['--lab-dir', 'labs/demo', '--bin-dir=/opt/k8s/bin'], '/home/me')).toEqual({labDir: '/home/me/labs/demo', binDir: '/opt/k8s/bin'})
    expect(parseKubeletArgs(['--lab-dir=/labs/x'], '/')).toEqual({labDir: '/labs/x', binDir: undefined})
  })

  it('refuses a missing --lab-dir, a flag without its folder and unknown arguments', () => {
    expect(() => parseKubeletArgs([], '/')).toThrow(new KubeletUsageError('--lab-dir is required\nusage: node dist/runtimes/sim/kubelet/main.js --lab-dir DIR [--bin-dir DIR]'))
    expect(() => parseKubeletArgs(['--lab-dir'], '/')).toThrow('--lab-dir needs a folder')
    expect(() => parseKubeletArgs(['--lab-dir=/x', '--verbose'], '/')).toThrow('unknown argument "--verbose"')
  })
})

describe('which files in the manifests folder are static pods', () => {
  it('reads YAML and JSON files and skips dotfiles and editor leftovers', () => {
    expect(['etcd.yaml', 'kube-apiserver.yml', 'pod.json'].map(isManifestFileName)).toEqual([true, true, true])
    expect(['.etcd.yaml.swp', 'etcd.yaml~', 'etcd.yaml.bak', '4913', '.kube-apiserver.yaml'].map(isManifestFileName)).toEqual([false, false, false, false, false])
  })
})
