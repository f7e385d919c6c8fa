import path from 'node:path'
import {Args, Command, Flags} from '@oclif/core'
import {onInterrupt} from '../../lab/interrupt.js'
import {parseDuration} from '../../lab/playbook/duration.js'
import {PLAYBOOK_VARIABLES} from '../../lab/playbook/environment.js'
import {PlaybookExit} from '../../lab/playbook/exit-codes.js'
import {formatPlaybookHtml} from '../../lab/playbook/html.js'
import {formatPlaybookJson} from '../../lab/playbook/json.js'
import {DEFAULT_SETTLE_TIMEOUT_MS, runPlaybook} from '../../lab/playbook/run.js'
import {formatPlaybookSummary} from '../../lab/playbook/text.js'
import {UP_RUNTIME_CHOICES} from '../../lab/runtime-choice.js'
import {userFacingError} from '../../lab/user-errors.js'
import {colourEnabled} from '../../report/colour.js'
import {formatJunit} from '../../report/junit.js'
import {formatSarif} from '../../report/sarif.js'
import {formatTable} from '../../report/table.js'
import {ReportFileError, writeReportFile} from '../../report/write-file.js'

const SCRIPT_PREFIX = '  │ '

export default class PlaybookRun extends Command {
  static override summary = 'Prove a hardening script: run it on a fresh lab, then every check of the scenario.'

  static override description = `Starts a fresh lab of --scenario (a new unique name unless --name; an existing lab is never reused), runs SCRIPT against it, waits until the lab serves its new configuration (static pods restarted from edited manifests answer again), then runs every check of the scenario's steps (with --all-checks, the whole catalogue) and prints the audit. The lab is removed afterwards — also when the script fails, runs past --timeout, or on Ctrl-C — unless --keep.

SCRIPT is a shell script (run directly when executable with a #! line, else with bash), or an Ansible playbook (*.yml, *.yaml), run as \`ansible-playbook -i localhost, -c local SCRIPT\` (ansible-playbook must be on PATH). It runs in its own process group with no standard input, in its own folder; its output is shown prefixed with "│". At --timeout its whole process group gets SIGTERM, then SIGKILL 3 s later.

The script's environment has everything \`kubelab env\` exports — KUBECONFIG (the lab's admin kubeconfig, for kubectl), KUBELAB_LAB, KUBELAB_APISERVER, KUBELAB_APISERVER_INSECURE, KUBELAB_ETCD, KUBELAB_KUBELET, KUBELAB_KUBELET_READONLY, ETCDCTL_API, ETCDCTL_ENDPOINTS and ETCDCTL_CACERT/CERT/KEY (when etcd speaks TLS) — and:
  ${PLAYBOOK_VARIABLES.runtime}         sim or kind
  ${PLAYBOOK_VARIABLES.scenario}        the scenario id
  ${PLAYBOOK_VARIABLES.nodeExec}       a command prefix that runs a command on the lab's node, node paths as on a kubeadm node:
                           $${PLAYBOOK_VARIABLES.nodeExec} sed -i 's/--anonymous-auth=true/--anonymous-auth=false/' /etc/kubernetes/manifests/kube-apiserver.yaml
                           (\`kubelab node exec --lab NAME --\`: the sim node root, or the kind node container)
  ${PLAYBOOK_VARIABLES.nodeRoot}       sim: the folder that is the node's / (e.g. for Ansible's lineinfile on $${PLAYBOOK_VARIABLES.nodeRoot}/etc/kubernetes/…)
  ${PLAYBOOK_VARIABLES.nodeContainer}  kind: the node's container, for docker exec and docker cp
  ${PLAYBOOK_VARIABLES.restart}         $${PLAYBOOK_VARIABLES.restart} kubelet restarts the kubelet (systemctl restart kubelet); a static pod's name restarts that pod
  KUBELAB_HOME, PATH       kubelab itself is first on PATH and finds the lab
Static pods restart by themselves when their manifest changes; the kubelet reads its config only when it (re)starts.

Exit status:
  0  the script succeeded and every check of every step passes
  1  the script succeeded, but checks are left (each failing step names them); with --all-checks also any failing check outside the steps
  2  usage error: bad flag, unknown scenario, script not found, ansible-playbook missing, --name taken, a report file not writable
  3  the script failed: non-zero exit, killed, could not start, or ran past --timeout (the checks still run and are reported)
  4  the lab could not be started, or not removed afterwards
  130/143  interrupted (Ctrl-C / SIGTERM): the script's process group is killed and the lab removed (unless --keep)

Reports: --junit (one test case per check; failing cases carry both sides' evidence), --sarif (2.1.0), --html (one self-contained page) and --json (the run and the audit on stdout; the script's output then goes to stderr).`

  static override examples = [
    '<%= config.bin %> playbook run examples/harden-all-open.sh --scenario all-open',
    '<%= config.bin %> playbook run examples/harden-all-open.yml --scenario all-open --junit reports/playbook.xml --html reports/playbook.html',
    '<%= config.bin %> playbook run ./harden.sh --scenario etcd-plaintext --timeout 5m --keep --name try-harden',
  ]

  static override args = {
    script: Args.string({description: 'Shell script, or Ansible playbook (*.yml, *.yaml).', required: true}),
  }

  static override flags = {
    scenario: Flags.string({description: 'Scenario id (see scenarios/) or the path of a scenario file.', required: true, helpValue: 'ID'}),
    runtime: Flags.option({options: UP_RUNTIME_CHOICES, default: 'auto' as const, description: 'sim, kind, or auto (kind when Docker and kind are installed, else sim).'})(),
    name: Flags.string({description: 'Name of the fresh lab (default: pb-<scenario>-<random>). Refused if a lab of that name exists.', helpValue: 'NAME'}),
    keep: Flags.boolean({description: 'Leave the lab running afterwards (`kubelab down NAME` removes it).'}),
    timeout: Flags.string({description: 'Time limit for the script: 90s, 10m, 1h (a bare number is seconds).', default: '10m', helpValue: 'DURATION'}),
    'settle-timeout': Flags.string({description: `How long to wait for the lab to serve its new configuration after the script (default ${DEFAULT_SETTLE_TIMEOUT_MS / 1000}s).`, helpValue: 'DURATION'}),
    'all-checks': Flags.boolean({description: "Run the whole catalogue, not only the scenario's step checks; extra checks fail the run only when they fail outright."}),
    'random-ports': Flags.boolean({description: 'Take every port of the lab from the OS (beside another lab or a real cluster).'}),
    json: Flags.boolean({description: 'Print the run and the audit as JSON instead of text.', helpGroup: 'OUTPUT'}),
    junit: Flags.string({description: 'Also write JUnit XML to FILE.', helpValue: 'FILE', helpGroup: 'OUTPUT'}),
    sarif: Flags.string({description: 'Also write SARIF 2.1.0 to FILE.', helpValue: 'FILE', helpGroup: 'OUTPUT'}),
    html: Flags.string({description: 'Also write a self-contained HTML report to FILE.', helpValue: 'FILE', helpGroup: 'OUTPUT'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(PlaybookRun)
    const timeoutMs = parseDuration('--timeout', flags.timeout)
    const settleTimeoutMs = flags['settle-timeout'] === undefined ? undefined : parseDuration('--settle-timeout', flags['settle-timeout'])
    const colour = colourEnabled({env: process.env, isTTY: process.stdout.isTTY})
    const interrupt = onInterrupt()
    let outcome
    try {
      outcome = await runPlaybook({
        script: args.script,
        scenario: flags.scenario,
        runtime: flags.runtime,
        ...(flags.name === undefined ? {} : {name: flags.name}),
        keep: flags.keep,
        timeoutMs,
        ...(settleTimeoutMs === undefined ? {} : {settleTimeoutMs}),
        allChecks: flags['all-checks'],
        portPolicy: flags['random-ports'] ? 'any-free' : 'real-when-free',
        kubelabCommand: [process.execPath, path.join(this.config.root, 'bin', 'run.js')],
        signal: interrupt.signal,
        interruptedBy: interrupt.received,
        onProgress: (message) => this.logToStderr(message),
        onScriptLine: (line, stream) => {
          if (stream === 'stdout' && !flags.json) this.log(SCRIPT_PREFIX + line)
          else this.logToStderr(SCRIPT_PREFIX + line)
        },
      })
    } finally {
      interrupt.dispose()
    }

    if (flags.json) {
      this.log(formatPlaybookJson(outcome).trimEnd())
      this.logToStderr(formatPlaybookSummary(outcome, {colour: false}).trimEnd())
    } else {
      this.log('')
      this.log(formatTable(outcome.report, {colour}).trimEnd())
      this.log('')
      this.log(formatPlaybookSummary(outcome, {colour}).trimEnd())
    }
    if (flags.junit) await writeReportFile('--junit', flags.junit, formatJunit(outcome.report, {failOn: 'fail'}))
    if (flags.sarif) await writeReportFile('--sarif', flags.sarif, formatSarif(outcome.report, {toolVersion: this.config.version}))
    if (flags.html) await writeReportFile('--html', flags.html, formatPlaybookHtml(outcome, this.config.version))
    if (outcome.exitCode !== PlaybookExit.passed) this.exit(outcome.exitCode)
  }

  /** User mistakes and lab failures get one line and their exit status (see the description); bugs keep their stack. */
  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    if (error instanceof ReportFileError) {
      this.logToStderr(`Error: ${error.message}`)
      this.exit(PlaybookExit.usage)
    }
    const known = userFacingError(error)
    if (known) {
      this.logToStderr(`Error: ${known.message}`)
      // Outside the lab's own errors, a status of 1 means the lab could not be started (etcd missing, sim not built…).
      this.exit(known.exitCode === 1 ? PlaybookExit.labFailed : known.exitCode)
    }
    return super.catch(error)
  }
}
