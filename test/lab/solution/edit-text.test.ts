import {describe, expect, it} from '@jest/globals'
import {editArgv, editKubeletConfig, editKubeletFlagsEnv, editManifestFlags, kubeletConfigValue, manifestFlagValues} from '../../../src/lab/solution/edit-text.js'

const MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-apiserver
    - --advertise-address=127.0.0.1
    - --insecure-bind-address=127.0.0.1
    - --insecure-port=8080
    - --secure-port=6443
    image: k8s.gcr.io/kube-apiserver:v1.19.16
    name: kube-apiserver
  hostNetwork: true
status: {}
`

describe('editing node files the way a careful admin would', () => {
  it('changes only the named flags of a manifest, adding new ones in kubeadm’s sorted place', () => {
    const edited = editManifestFlags(MANIFEST, '/m.yaml', {set: {'insecure-port': '0', 'authorization-mode': 'Node,RBAC'}, remove: ['insecure-bind-address']})
    expect(edited).toBe(
      MANIFEST.replace('    - --insecure-bind-address=127.0.0.1\n    - --insecure-port=8080\n', '    - --insecure-port=0\n').replace(
        '    - --advertise-address=127.0.0.1\n',
        '    - --advertise-address=127.0.0.1\n    - --authorization-mode=Node,RBAC\n',
      ),
    )
    expect(manifestFlagValues(edited, '/m.yaml').get('insecure-port')).toBe('0')
  })

  it('handles the two-item form and repeated flags (the last one won before; one remains)', () => {
    expect(editArgv(['etcd', '--name', 'x', '--client-cert-auth=false', '--client-cert-auth=false'], {set: {'client-cert-auth': 'true', name: 'y'}, remove: []})).toEqual([
      'etcd',
      '--name=y',
      '--client-cert-auth=true',
    ])
  })

  it('edits KUBELET_KUBEADM_ARGS and nothing else in kubeadm-flags.env', () => {
    const env = '# written by kubeadm\nKUBELET_KUBEADM_ARGS="--anonymous-auth=true --authorization-mode=AlwaysAllow --node-ip=127.0.0.1"\n'
    expect(editKubeletFlagsEnv(env, {set: {}, remove: ['anonymous-auth']})).toBe('# written by kubeadm\nKUBELET_KUBEADM_ARGS="--authorization-mode=AlwaysAllow --node-ip=127.0.0.1"\n')
  })

  it('sets, adds and removes kubelet settings keeping the rest of config.yaml byte for byte', () => {
    const config = 'address: 127.0.0.1\napiVersion: kubelet.config.k8s.io/v1beta1\nauthentication:\n  anonymous:\n    enabled: true\nclusterDNS:\n- 10.96.0.10\nkind: KubeletConfiguration\nreadOnlyPort: 10255\n'
    const edited = editKubeletConfig(config, '/c.yaml', [
      {path: ['authentication', 'anonymous', 'enabled'], value: false},
      {path: ['authorization', 'mode'], value: 'Webhook'},
      {path: ['readOnlyPort'], value: undefined},
    ])
    expect(edited).toBe(
      'address: 127.0.0.1\napiVersion: kubelet.config.k8s.io/v1beta1\nauthentication:\n  anonymous:\n    enabled: false\nauthorization:\n  mode: Webhook\nclusterDNS:\n- 10.96.0.10\nkind: KubeletConfiguration\n',
    )
    expect(kubeletConfigValue(edited, ['authorization', 'mode'])).toBe('Webhook')
    expect(kubeletConfigValue(edited, ['readOnlyPort'])).toBeUndefined()
  })
})
