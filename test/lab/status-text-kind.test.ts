import {describe, expect, it} from '@jest/globals'
import type {LabRecord} from '../../src/lab/record.js'
import {formatStatus} from '../../src/lab/status-text.js'
import type {LabStatusView} from '../../src/lab/status.js'

const record: LabRecord = {
  name: 'k1',
  scenario: 'all-open',
  runtime: 'kind',
  kubernetesVersion: '1.34.0',
  ports: {apiserverSecure: 6443, etcdClient: 2379, etcdPeer: 2380, etcdMetrics: 2381, kubelet: 10250, controllerManagerSecure: 10257, schedulerSecure: 10259},
  createdAt: '2026-11-27T09:00:00.000Z',
  state: 'ready',
  kubeconfig: '/home/u/.kubelab/labs/k1/kubeconfig',
  kind: {cluster: 'kubelab-k1', nodeContainer: 'kubelab-k1-control-plane', nodeImage: 'kindest/node:v1.34.0', insecurePort: 'proxy-stand-in', exposed: true},
}

describe('kubelab status on a kind lab', () => {
  it('names the cluster, node container and image, the stand-in and --expose, and no sim node root or kubelet pid', () => {
    const view: LabStatusView = {name: 'k1', dir: '/home/u/.kubelab/labs/k1', state: 'ready', record, nodeRoot: '/home/u/.kubelab/labs/k1/node', node: {kubelet: {state: 'stopped'}, components: []}}
    const text = formatStatus(view)
    expect(text).toContain('cluster     kubelab-k1 (kind), node container kubelab-k1-control-plane, image kindest/node:v1.34.0')
    expect(text).toContain('kubectl-proxy stand-in')
    expect(text).toContain('WARNING     --expose')
    expect(text).toContain('crictl ps')
    expect(text).not.toContain('node root')
    expect(text).not.toContain('kubelet     stopped')
  })
})
