import type {NodeAccess} from '../target/types.js'
import {parseCommandLine} from './flags.js'
import {kubeletCommandLine} from './kubelet-command-line.js'
import {parseKubeletConfigFile, type KubeletFileValue} from './kubelet-config-file.js'
import {KUBELET_SETTINGS, type KubeletSettingSpec} from './kubelet-settings.js'
import type {FlagSetting, KubeletConfigView, KubeletSetting, KubeletSettingKey} from './types.js'

/** Where kubeadm writes the KubeletConfiguration (KUBELET_CONFIG_ARGS in its drop-in). */
export const KUBEADM_KUBELET_CONFIG = '/var/lib/kubelet/config.yaml'

/**
 * The kubelet's effective settings, resolved in the kubelet's own precedence: a flag on its command
 * line, else the KubeletConfiguration file named by --config (with --config-dir drop-ins merged over
 * it), else the default — the config file's defaults when --config is given, the command line's
 * legacy defaults when it is not. The command line comes from a running kubelet if the node shows
 * one, else from systemd's kubelet.service and drop-ins (kubeadm-flags.env, /etc/default/kubelet).
 * A config file the kubelet would refuse throws ConfigParseError.
 */
export async function readKubeletConfig(node: NodeAccess): Promise<KubeletConfigView> {
  const commandLine = await kubeletCommandLine(node)
  const {flags, positional} = parseCommandLine(commandLine.items, true)

  const configFlag = flags.get('config')?.value
  const configInUse = configFlag !== undefined && configFlag !== ''
  const configFile = configInUse ? configFlag : KUBEADM_KUBELET_CONFIG

  const fileValues = new Map<KubeletSettingKey, KubeletFileValue>()
  let configFound = false
  const dropInFiles: string[] = []
  if (configInUse) {
    const text = await node.readFile(configFile)
    configFound = text !== undefined
    if (text !== undefined) mergeInto(fileValues, parseKubeletConfigFile(text, configFile))

    const dropInDirectory = flags.get('config-dir')?.value
    if (dropInDirectory) {
      const names = ((await node.listDir(dropInDirectory)) ?? []).filter((name) => name.endsWith('.conf')).sort()
      for (const name of names) {
        const dropInPath = `${dropInDirectory.replace(/\/$/, '')}/${name}`
        const text = await node.readFile(dropInPath)
        if (text === undefined) continue
        dropInFiles.push(dropInPath)
        mergeInto(fileValues, parseKubeletConfigFile(text, dropInPath))
      }
    }
  }

  const defaults: KubeletConfigView['defaults'] = configInUse ? 'config-file' : 'command-line'
  const settings = new Map<KubeletSettingKey, KubeletSetting>()
  for (const spec of KUBELET_SETTINGS) {
    settings.set(spec.key, resolve(spec, flags.get(spec.flag), fileValues.get(spec.key), defaults, configFile))
  }

  return {
    configFile,
    configFound,
    configInUse,
    defaults,
    dropInFiles,
    flagsSource: commandLine.flagsSource,
    positional,
    get(key: KubeletSettingKey): KubeletSetting {
      const setting = settings.get(key)
      if (!setting) throw new Error(`unknown kubelet setting ${key}`)
      return setting
    },
  }
}

function mergeInto(target: Map<KubeletSettingKey, KubeletFileValue>, source: ReadonlyMap<KubeletSettingKey, KubeletFileValue>): void {
  for (const [key, value] of source) target.set(key, value)
}

function resolve(
  spec: KubeletSettingSpec,
  flag: FlagSetting | undefined,
  fromFile: KubeletFileValue | undefined,
  defaults: KubeletConfigView['defaults'],
  configFile: string,
): KubeletSetting {
  const base = {key: spec.key, flag: spec.flag, configPath: spec.path.join('.')}
  const located = flag ?? fromFile
  if (located) {
    const setting: KubeletSetting = {...base, value: located.value, source: flag ? 'flag' : 'config-file', file: located.file}
    if (located.line !== undefined) setting.line = located.line
    return setting
  }
  if (defaults === 'config-file') {
    return {
      ...base,
      value: spec.configFileDefault,
      source: 'default',
      defaultFrom: `KubeletConfiguration default: neither --${spec.flag} nor ${base.configPath} in ${configFile} sets it (pkg/kubelet/apis/config/v1beta1/defaults.go)`,
    }
  }
  return {
    ...base,
    value: spec.commandLineDefault,
    source: 'default',
    defaultFrom: `kubelet command-line default: no --config, so the kubelet reads no config file and keeps the legacy flag default (cmd/kubelet/app/options/options.go)`,
  }
}
