/** Moved to runtimes/shared (the kind runtime seeds through it too); kept so existing imports work. */
export {apiClientFromKubeconfig, apiRequest, ApiUnreachableError, statusMessage, type ApiAnswer, type ApiClient} from '../shared/api-client.js'
