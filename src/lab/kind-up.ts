import {describeInsecurePort, describeStep} from '../runtimes/kind/config/post-create.js'
import {planKindLab, type KindLabChoices, type KindLabPlan} from '../runtimes/kind/plan.js'
import type {LabPorts} from '../runtimes/types.js'
import type {Scenario} from '../scenario/schema.js'
import {LabExistsError, ScenarioRuntimeError} from './errors.js'
import {checkLabName, kubelabHome, labDirFor, type Environment} from './home.js'
import {choosePorts, PORT_LABELS, portList, portsScenarioUses, type PortPolicy} from './ports.js'
import type {KindLabRecord} from './record.js'
import {listLabs} from './registry.js'
import {DEFAULT_SCENARIO, loadScenarioArgument} from './scenarios.js'

/** Printed before a lab whose ports listen beyond this machine starts, and recorded in its lab.json. */
export function exposeWarning(labName: string): string {
  return [
    `WARNING: --expose: lab ${labName}'s ports listen on EVERY network interface of this machine, not 127.0.0.1.`,
    '  This cluster is deliberately vulnerable: anyone who can reach this machine can take it over (and',
    "  through its hostPath mounts, Docker's node container). Use --expose only on an isolated workshop",
    `  network, and run \`kubelab down ${labName}\` when you are done.`,
  ].join('\n')
}

/** The kind part of a lab's record; warns through `progress` when the lab is exposed. */
export function kindLabRecord(labName: string, scenario: Scenario, ports: LabPorts, choices: KindLabChoices = {}, progress: (message: string) => void = () => undefined): KindLabRecord {
  const plan = planKindLab(labName, scenario, ports, choices)
  if (plan.exposed) progress(exposeWarning(labName))
  return {
    cluster: plan.names.cluster,
    nodeContainer: plan.names.nodeContainer,
    nodeImage: plan.image.reference,
    ...(plan.insecurePort ? {insecurePort: plan.insecurePort} : {}),
    exposed: plan.exposed,
  }
}

export interface KindDryRunOptions {
  scenario?: string
  name?: string
  home?: string
  env?: Environment
  scenariosDir?: string
  portPolicy?: PortPolicy
  choices?: KindLabChoices
}

export interface KindDryRun {
  labName: string
  scenario: Scenario
  ports: LabPorts
  plan: KindLabPlan
}

/**
 * `kubelab up --runtime kind --dry-run`: everything `up` would decide — name, ports, the kind config,
 * the post-create steps — without writing a file or running a command. Needs neither Docker nor kind.
 */
export async function planKindUp(options: KindDryRunOptions = {}): Promise<KindDryRun> {
  const home = options.home ?? kubelabHome(options.env)
  const scenario = await loadScenarioArgument(options.scenario ?? DEFAULT_SCENARIO, options.scenariosDir)
  const labName = options.name ?? scenario.id
  checkLabName(labName)
  if (!scenario.runtimes.includes('kind')) throw new ScenarioRuntimeError(scenario.id, 'kind', scenario.runtimes)
  const labs = await listLabs(home)
  if (labs.some((lab) => lab.name === labName)) throw new LabExistsError(labName)
  const taken = new Map<number, string>()
  for (const other of labs) for (const port of other.record ? portList(other.record.ports) : []) taken.set(port, other.name)
  const {ports} = await choosePorts(portsScenarioUses(scenario), {taken, ...(options.portPolicy ? {policy: options.portPolicy} : {})})
  return {labName, scenario, ports, plan: planKindLab(labName, scenario, ports, options.choices)}
}

/** The dry run for the terminal: the exact kind config, then what happens after `kind create cluster`. */
export function formatKindDryRun(dryRun: KindDryRun, home: string): string {
  const {plan, labName, scenario} = dryRun
  const lines = [
    `Dry run: nothing was created. \`kubelab up ${scenario.id}${labName === scenario.id ? '' : ` --name ${labName}`} --runtime kind\` would:`,
    '',
    `1. run \`kind create cluster --config - --name ${plan.names.cluster} --image ${plan.image.reference} --wait 0s --kubeconfig ${labDirFor(home, labName)}/kubeconfig\``,
    `   with this config on stdin (node container ${plan.names.nodeContainer}):`,
    '',
    ...plan.config.yaml.trimEnd().split('\n').map((line) => `   ${line}`),
    '',
    'Ports (host side → inside the node container):',
    `   ${plan.config.cluster.networking?.apiServerAddress}:${dryRun.ports.apiserverSecure} → 6443  ${PORT_LABELS.apiserverSecure}`,
    ...plan.config.forwards.map((item) => `   ${item.listenAddress}:${item.hostPort} → ${item.containerPort}  ${PORT_LABELS[item.name]}`),
    ...(plan.config.unmapped.length > 0 ? [`   not mapped (they listen on the node's loopback; no check probes them): ${plan.config.unmapped.map((name) => PORT_LABELS[name]).join(', ')}`] : []),
    plan.exposed
      ? '   --expose: the host side listens on EVERY interface of this machine.'
      : "   The host side listens on 127.0.0.1 only. Inside the node the components listen on the container's own interface (0.0.0.0 there), because Docker forwards a mapped port to the container's address, never to its loopback; only Docker's private network and these 127.0.0.1 mappings reach it.",
  ]
  if (plan.config.adjustments.length > 0) {
    lines.push('', 'Scenario settings changed to work inside a node container:', ...plan.config.adjustments.map((item) => `   - ${item}`))
  }
  lines.push('', '2. then, once kube-apiserver answers /readyz:', `   - write the admin kubeconfig (\`kind get kubeconfig --name ${plan.names.cluster}\`) to ${labDirFor(home, labName)}/kubeconfig`)
  lines.push(...plan.config.postCreate.map((step) => `   - ${describeStep(step)}`))
  if (plan.insecurePort !== undefined) {
    const forward = plan.config.forwards.find((item) => item.name === 'apiserverInsecure')
    lines.push('', `Insecure port: ${describeInsecurePort(plan.insecurePort, forward?.containerPort ?? 8080, forward?.hostPort ?? 8080)}.`)
    if (plan.insecurePort === 'real') {
      lines.push(
        "   Kubernetes 1.19's kind image needs kind v0.17.0–v0.19.x, or a cgroup v2 Docker host with newer kind; `up` checks this first.",
        '   Where the host cannot run it, --insecure-port-stand-in runs the scenario on Kubernetes 1.34 with a kubectl proxy in its place.',
      )
    }
  }
  if (plan.exposed) lines.push('', exposeWarning(labName))
  return `${lines.join('\n')}\n`
}
