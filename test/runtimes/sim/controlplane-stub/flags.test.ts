import {describe, expect, it} from '@jest/globals'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {FlagParseError, parseComponentFlags} from '../../../../src/runtimes/sim/controlplane-stub/flags.js'
import {parseStaticPod} from '../../../../src/runtimes/sim/kubelet/manifest.js'

const MANIFESTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/node-roots/kubeadm-1.34-hardened/etc/kubernetes/manifests')

function refusal(component: 'kube-scheduler' | 'kube-controller-manager', argv: string[]): string {
  try {
    parseComponentFlags(component, argv)
  } catch (error) {
    if (error instanceof FlagParseError) return error.message
    throw error
  }
  throw new Error('the flags parsed')
}

describe('the control-plane stub\'s flag parser', () => {
  it.each([
    ['kube-controller-manager', 'kube-controller-manager.yaml'],
    ['kube-scheduler', 'kube-scheduler.yaml'],
  ] as const)('accepts every flag kubeadm v1.34 passes to %s', async (component, file) => {
    const pod = parseStaticPod(await readFile(path.join(MANIFESTS, file), 'utf8'), file)
    const flags = parseComponentFlags(component, pod.container.command.slice(1))
    expect(flags.values.get('bind-address')).toBe('127.0.0.1')
    expect(flags.values.get('kubeconfig')).toMatch(/^\/etc\/kubernetes\/(controller-manager|scheduler)\.conf$/)
    expect(flags.help).toBe(false)
  })

  it('accepts kubeadm v1.19\'s --port=0 and the CIS hardening flags', () => {
    const flags = parseComponentFlags('kube-controller-manager', [
      '--port=0',
      '--profiling=false',
      '--terminated-pod-gc-threshold=10',
      '--feature-gates=RotateKubeletServerCertificate=true',
      '--use-service-account-credentials',
      '--concurrent_rc_syncs=3',
    ])
    expect(flags.values.get('profiling')).toBe('false')
    expect(flags.values.get('use-service-account-credentials')).toBe('true')
    expect(flags.values.get('concurrent-rc-syncs')).toBe('3')
  })

  it('reads --flag value, -v 2 and --version', () => {
    const flags = parseComponentFlags('kube-scheduler', ['--bind-address', '127.0.0.1', '-v', '2', '--version'])
    expect([flags.values.get('bind-address'), flags.values.get('v'), flags.version]).toEqual(['127.0.0.1', '2', 'true'])
  })

  it('refuses what pflag and cobra refuse, in their words', () => {
    expect(refusal('kube-scheduler', ['--bind-adress=127.0.0.1'])).toBe('unknown flag: --bind-adress')
    expect(refusal('kube-scheduler', ['--use-service-account-credentials'])).toBe('unknown flag: --use-service-account-credentials')
    expect(refusal('kube-scheduler', ['--kubeconfig'])).toBe('flag needs an argument: --kubeconfig')
    expect(refusal('kube-scheduler', ['-x'])).toBe("unknown shorthand flag: 'x' in -x")
    expect(refusal('kube-scheduler', ['--secure-port=abc'])).toBe('invalid argument "abc" for "--secure-port" flag: strconv.ParseInt: parsing "abc": invalid syntax')
    expect(refusal('kube-scheduler', ['--leader-elect=maybe'])).toBe('invalid argument "maybe" for "--leader-elect" flag: strconv.ParseBool: parsing "maybe": invalid syntax')
    expect(refusal('kube-scheduler', ['--bind-address=localhost'])).toBe('invalid argument "localhost" for "--bind-address" flag: failed to parse IP: "localhost"')
    expect(refusal('kube-scheduler', ['--leader-elect-lease-duration=15'])).toBe('invalid argument "15" for "--leader-elect-lease-duration" flag: time: invalid duration "15"')
    expect(refusal('kube-scheduler', ['-v=x'])).toBe('invalid argument "x" for "-v, --v" flag: strconv.ParseInt: parsing "x": invalid syntax')
    // A boolean takes no separate value: "false" is left over as an argument.
    expect(refusal('kube-scheduler', ['--profiling', 'false'])).toBe('"kube-scheduler" does not take any arguments, got ["false"]')
  })
})
