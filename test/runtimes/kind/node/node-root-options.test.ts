import {describe, expect, it} from '@jest/globals'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseKubeletArgs} from '../../../../src/runtimes/sim/kubelet/cli-args.js'
import {toNodePath, translateArgs} from '../../../../src/runtimes/sim/kubelet/node-paths.js'
import {renderNodeFiles} from '../../../../src/runtimes/sim/node-files/render.js'
import {NODE_FILE_PATHS} from '../../../../src/runtimes/sim/node-files/types.js'
import {hostPath, simNodeLayout} from '../../../../src/runtimes/sim/node/layout.js'
import {findScenario} from '../../../../src/scenario/load.js'

/*
 * The sim node with "/" as its node root, as the kind-compatible node container runs it: node paths stay
 * as they are, and a node on a container network may listen on the container's address and wildcards.
 */
const SCENARIOS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../scenarios')

describe('a sim node whose root is "/"', () => {
  it('keeps logs and run files in the lab folder and node files at their real paths', () => {
    const layout = simNodeLayout('/kind/kubelab', '/')
    expect(layout).toMatchObject({nodeRoot: '/', logsDir: '/kind/kubelab/logs', runDir: '/kind/kubelab/run', manifestsDir: '/etc/kubernetes/manifests'})
    expect(hostPath(layout, '/etc/kubernetes/pki/ca.crt')).toBe('/etc/kubernetes/pki/ca.crt')
    expect(simNodeLayout('/home/u/labs/a').nodeRoot).toBe('/home/u/labs/a/node')
  })

  it('leaves node paths in command lines unchanged', () => {
    const args = ['--cert-file=/etc/kubernetes/pki/etcd/server.crt', '--data-dir', '/var/lib/etcd', '--listen-client-urls=https://127.0.0.1:2379']
    expect(translateArgs(args, '/')).toEqual(args)
    expect(translateArgs(['--data-dir=/var/lib/etcd'], '/lab/node')).toEqual(['--data-dir=/lab/node/var/lib/etcd'])
    expect(toNodePath('/etc/kubernetes/manifests/etcd.yaml', '/')).toBe('/etc/kubernetes/manifests/etcd.yaml')
  })

  it('takes --node-root on the kubelet command line', () => {
    expect(parseKubeletArgs(['--lab-dir', 'lab', '--node-root=/'], '/kind')).toEqual({labDir: '/kind/lab', binDir: undefined, nodeRoot: '/'})
    expect(parseKubeletArgs(['--lab-dir', '/l'], '/')).toEqual({labDir: '/l', binDir: undefined, nodeRoot: undefined})
  })

  it('renders a node on a container network only when asked to', async () => {
    const scenario = await findScenario(SCENARIOS, 'all-open')
    expect(() => renderNodeFiles(scenario, {nodeName: 'kubelab-x-control-plane', bindAddress: '172.18.0.2'})).toThrow('bind address 172.18.0.2 is not a loopback address (127.0.0.0/8)')
    const files = renderNodeFiles(scenario, {nodeName: 'kubelab-x-control-plane', bindAddress: '172.18.0.2', containerNetwork: true})
    expect(files.get(NODE_FILE_PATHS.apiserverManifest)).toContain('--advertise-address=172.18.0.2')
  })
})
