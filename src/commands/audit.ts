import {Command, Flags} from '@oclif/core'
import {CATALOGUE} from '../checks/catalogue/index.js'
import {labTargetOptions} from '../lab/audit-target.js'
import {LabError} from '../lab/errors.js'
import {runAudit, selectChecks, UnknownCheckError} from '../checks/evaluate.js'
import {COMPONENTS} from '../checks/model.js'
import {colourEnabled} from '../report/colour.js'
import {formatJson} from '../report/json.js'
import {formatHtmlReport} from '../report/html/audit.js'
import {formatJunit} from '../report/junit.js'
import {auditExitCode, ExitCode, FAIL_ON_CHOICES} from '../report/outcome.js'
import {formatSarif} from '../report/sarif.js'
import {formatTable} from '../report/table.js'
import {ReportFileError, writeReportFile} from '../report/write-file.js'
import {DEFAULT_HOST, DEFAULT_TIMEOUT_MS, TargetOptionError, targetFromOptions} from '../target/from-options.js'
import {DEFAULT_PORTS} from '../target/types.js'

const portFlag = (what: string, port: number) => Flags.integer({description: `${what} (default ${port})`, helpGroup: 'PORTS'})

export default class Audit extends Command {
  static override summary = 'Audit a control plane: what its configuration says and what an attacker sees on the wire.'

  static override description = [
    "Runs kubelab's checks against the components on --host. With --node-root the checks also read the node's manifests and config files (kube-bench's side); without it only the wire is judged (kube-hunter's side).",
    'Exit status: 0 when no check fails, 1 when a check fails (or warns, with --fail-on warn), 2 for a usage or target error (unknown check id, bad flag, missing node root).',
  ].join('\n\n')

  static override examples = [
    '<%= config.bin %> audit --lab all-open',
    '<%= config.bin %> audit --node-root /',
    '<%= config.bin %> audit --node-root ./lab/node --component kubelet --component etcd',
    '<%= config.bin %> audit --check kubelet-anonymous-auth --json',
    '<%= config.bin %> audit --node-root / --junit reports/audit.xml --sarif reports/audit.sarif --fail-on warn',
    '<%= config.bin %> audit --lab all-open --html audit.html',
  ]

  static override flags = {
    lab: Flags.string({
      description: "Audit a kubelab lab: its ports, node root and admin kubeconfig (default with no target flags: KUBELAB_LAB, else the only lab). Port and file flags still override.",
      helpValue: 'NAME',
      exclusive: ['host'],
    }),
    host: Flags.string({description: `Host the components listen on (default ${DEFAULT_HOST}).`}),
    'apiserver-port': portFlag('kube-apiserver secure port', DEFAULT_PORTS.apiserverSecure),
    'insecure-port': portFlag('kube-apiserver insecure (plain HTTP) port', DEFAULT_PORTS.apiserverInsecure),
    'kubelet-port': portFlag('kubelet port', DEFAULT_PORTS.kubelet),
    'kubelet-read-only-port': portFlag('kubelet read-only port', DEFAULT_PORTS.kubeletReadOnly),
    'etcd-port': portFlag('etcd client port', DEFAULT_PORTS.etcdClient),
    'etcd-peer-port': portFlag('etcd peer port', DEFAULT_PORTS.etcdPeer),
    'node-root': Flags.string({description: "Folder holding the node's filesystem (/ for this machine).", helpValue: 'DIR'}),
    kubeconfig: Flags.string({description: 'Kubeconfig for checks that ask the API (RBAC).', helpValue: 'FILE'}),
    context: Flags.string({description: 'Context in --kubeconfig (default: its current context).'}),
    'k8s-version': Flags.string({description: 'Kubernetes version of the target, e.g. 1.19.16 (default: read from the apiserver manifest).'}),
    check: Flags.string({description: 'Run only this check id (repeatable, or comma-separated).', multiple: true, delimiter: ','}),
    component: Flags.option({options: COMPONENTS, multiple: true, delimiter: ',', description: 'Run only checks of this component (repeatable).'})(),
    timeout: Flags.integer({description: 'Milliseconds each probe may take.', default: DEFAULT_TIMEOUT_MS}),
    json: Flags.boolean({description: 'Print the report as JSON instead of text.', helpGroup: 'OUTPUT'}),
    junit: Flags.string({description: 'Also write JUnit XML to FILE.', helpValue: 'FILE', helpGroup: 'OUTPUT'}),
    sarif: Flags.string({description: 'Also write SARIF 2.1.0 to FILE.', helpValue: 'FILE', helpGroup: 'OUTPUT'}),
    html: Flags.string({description: 'Also write a self-contained HTML report to FILE (one file, no network).', helpValue: 'FILE', helpGroup: 'OUTPUT'}),
    'fail-on': Flags.option({options: FAIL_ON_CHOICES, default: 'fail' as const, description: 'Lowest status that makes the exit status 1.'})(),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Audit)
    const checks = selectChecks(CATALOGUE, {ids: flags.check, components: flags.component})
    const lab = flags.lab === undefined ? undefined : await labTargetOptions(flags.lab)
    const target = await targetFromOptions({
      host: flags.host ?? lab?.host ?? DEFAULT_HOST,
      ports: {
        ...lab?.ports,
        ...definedPorts({
        apiserverSecure: flags['apiserver-port'],
        apiserverInsecure: flags['insecure-port'],
        kubelet: flags['kubelet-port'],
        kubeletReadOnly: flags['kubelet-read-only-port'],
        etcdClient: flags['etcd-port'],
        etcdPeer: flags['etcd-peer-port'],
        }),
      },
      nodeRoot: flags['node-root'] ?? lab?.nodeRoot,
      node: lab?.node,
      kubeconfig: flags.kubeconfig ?? lab?.kubeconfig,
      context: flags.context,
      kubernetesVersion: flags['k8s-version'] ?? lab?.kubernetesVersion,
      timeoutMs: flags.timeout,
    })
    const report = await runAudit(target, checks)
    const failOn = flags['fail-on']

    const printed = flags.json ? formatJson(report) : formatTable(report, {colour: colourEnabled({env: process.env, isTTY: process.stdout.isTTY})})
    this.log(printed.replace(/\n$/, ''))
    if (flags.junit) await writeReportFile('--junit', flags.junit, formatJunit(report, {failOn}))
    if (flags.sarif) await writeReportFile('--sarif', flags.sarif, formatSarif(report, {toolVersion: this.config.version}))
    if (flags.html) {
      const title = lab ? `kubelab audit: lab ${lab.labName}` : `kubelab audit: ${target.endpoints.host}`
      await writeReportFile('--html', flags.html, formatHtmlReport(report, {title, kubelabVersion: this.config.version}))
    }

    const code = auditExitCode(report, failOn)
    if (code !== ExitCode.ok) this.exit(code)
  }

  /**
   * Mistakes in what the user asked for get exactly one line (oclif's own printer would wrap it at 80 columns)
   * and exit 2; anything else is a bug and keeps its stack.
   */
  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    if (error instanceof TargetOptionError || error instanceof UnknownCheckError || error instanceof ReportFileError || error instanceof LabError) {
      this.logToStderr(`Error: ${error.message}`)
      this.exit(ExitCode.usage)
    }
    return super.catch(error)
  }
}

function definedPorts(ports: Partial<Record<keyof typeof DEFAULT_PORTS, number | undefined>>): Partial<Record<keyof typeof DEFAULT_PORTS, number>> {
  return Object.fromEntries(Object.entries(ports).filter(([, port]) => port !== undefined))
}
