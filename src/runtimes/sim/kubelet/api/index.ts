/** The sim kubelet's HTTP API (ports 10250 and 10255), node registration and pod runtime: see kubelet-api.ts. */
export {
  ALLOW_WILDCARD_ENV,
  DEFAULT_SCHEDULER_KUBECONFIG,
  KubeletStartupError,
  startKubeletApi,
  type ContainerLogsProvider,
  type KubeletApiLog,
  type KubeletApiOptions,
  type RunningKubeletApi,
  type StaticPodReport,
} from './kubelet-api.js'
export type {KubeletApiSettings} from './config.js'
export type {KubeletSettingLocation, KubeletStartupStage} from './errors.js'
