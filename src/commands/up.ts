import {Args, Command, Flags} from '@oclif/core'
import {onInterrupt} from '../lab/interrupt.js'
import {formatKindDryRun, planKindUp} from '../lab/kind-up.js'
import {kubelabHome} from '../lab/home.js'
import {UP_RUNTIME_CHOICES} from '../lab/runtime-choice.js'
import {DEFAULT_SCENARIO} from '../lab/scenarios.js'
import {upLab} from '../lab/up.js'
import {formatUpSummary} from '../lab/up-text.js'
import {exitOnUserError} from '../lab/user-errors.js'

export default class Up extends Command {
  static override summary = 'Start a lab: a deliberately misconfigured control plane on this machine.'

  static override description = `Lays out a kubeadm control-plane node for SCENARIO (certificates, kubeconfigs, static pod manifests,
kubelet config) and starts it. The sim runtime runs the real etcd and kubelab's simulated kube-apiserver,
controller-manager, scheduler and kubelet, all on 127.0.0.1, on the real ports where they are free.

The kind runtime creates a real cluster (kind create cluster) from the same scenario: the flags go in as
kubeadm config patches, every port a check probes is mapped to 127.0.0.1 on this machine, and what kubeadm
cannot express is edited inside the node afterwards. --dry-run prints the exact kind config and those steps.
Scenarios on Kubernetes 1.19 (the real insecure port) need kind v0.17–v0.19, or a cgroup v2 host;
--insecure-port-stand-in runs them on 1.34 with a kubectl proxy standing in for the insecure port.

The lab is named after the scenario unless --name says otherwise; labs with different names run side by side.
Ctrl-C stops what has started and removes the half-made lab (a half-made kind cluster is deleted).

Exit status: 0 when the lab is ready, 1 when it could not start (it is cleaned up), 2 for a usage error,
130 when interrupted.`

  static override examples = [
    '<%= config.bin %> up',
    '<%= config.bin %> up etcd-plaintext',
    '<%= config.bin %> up anonymous-api --name second-lab',
    '<%= config.bin %> up ./my-scenario.yaml --runtime sim --bin-dir ~/etcd-v3.5.21-linux-amd64',
    '<%= config.bin %> up all-open --runtime kind --dry-run',
    '<%= config.bin %> up insecure-port --runtime kind --insecure-port-stand-in',
  ]

  static override args = {
    scenario: Args.string({description: `Scenario id (see scenarios/) or the path of a scenario file. Default: ${DEFAULT_SCENARIO}.`}),
  }

  static override flags = {
    runtime: Flags.option({options: UP_RUNTIME_CHOICES, default: 'auto' as const, description: 'sim, kind, or auto (kind when Docker and kind are installed, else sim).'})(),
    name: Flags.string({description: 'Lab name (default: the scenario id).', helpValue: 'NAME'}),
    'bin-dir': Flags.string({description: 'Folder searched before PATH for etcd and real Kubernetes binaries.', helpValue: 'DIR'}),
    'random-ports': Flags.boolean({description: 'Take every port from the OS and leave the real ones alone (e.g. beside a real cluster).'}),
    'dry-run': Flags.boolean({description: 'kind: print the exact kind config and the post-create steps, and change nothing.'}),
    expose: Flags.boolean({description: 'kind: listen on EVERY interface of this machine instead of 127.0.0.1 (isolated workshop networks only).'}),
    'insecure-port-stand-in': Flags.boolean({
      description: 'kind: run an insecure-port scenario on Kubernetes 1.34 with a kubectl proxy standing in for the insecure port (for hosts that cannot run 1.19).',
    }),
    'node-image': Flags.string({description: 'kind: this node image instead of the pinned one (tag it with its version, e.g. kindest/node:v1.34.0@sha256:…).', helpValue: 'IMAGE'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Up)
    const kindChoices = {
      expose: flags.expose,
      insecurePortStandIn: flags['insecure-port-stand-in'],
      ...(flags['node-image'] === undefined ? {} : {nodeImage: flags['node-image']}),
    }
    if (flags['dry-run']) {
      if (flags.runtime === 'sim') this.error('--dry-run shows what the kind runtime would create; use it with --runtime kind (or auto).', {exit: 2})
      const dryRun = await planKindUp({
        ...(args.scenario === undefined ? {} : {scenario: args.scenario}),
        ...(flags.name === undefined ? {} : {name: flags.name}),
        portPolicy: flags['random-ports'] ? 'any-free' : 'real-when-free',
        choices: kindChoices,
      })
      this.log(formatKindDryRun(dryRun, kubelabHome()).trimEnd())
      return
    }
    const interrupt = onInterrupt()
    try {
      const outcome = await upLab({
        ...(args.scenario === undefined ? {} : {scenario: args.scenario}),
        ...(flags.name === undefined ? {} : {name: flags.name}),
        runtime: flags.runtime,
        ...(flags['bin-dir'] === undefined ? {} : {binDir: flags['bin-dir']}),
        portPolicy: flags['random-ports'] ? 'any-free' : 'real-when-free',
        runtimeOptions: {kind: kindChoices},
        signal: interrupt.signal,
        interruptedBy: interrupt.received,
        onProgress: (message) => this.logToStderr(`  ${message}`),
      })
      this.log(formatUpSummary(outcome).trimEnd())
    } finally {
      interrupt.dispose()
    }
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    exitOnUserError(error, this)
    return super.catch(error)
  }
}
