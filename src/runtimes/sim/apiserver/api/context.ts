/** Everything the API handlers need, built once at start-up. */
import type {KeyObject} from 'node:crypto'
import type {AuthenticationChain} from '../auth/authenticate.js'
import type {UserInfo} from '../auth/user.js'
import type {Authorizer} from '../authz/types.js'
import type {Klog} from '../log.js'
import type {ObjectStore} from '../storage/store.js'
import type {KubeVersion} from '../version.js'
import type {ResourceRegistry} from './resources.js'

export interface TokenIssuing {
  signingKey: KeyObject
  issuer: string
  apiAudiences: string[]
  /** Seconds; 0 means no maximum. */
  maxExpirationSeconds: number
}

export interface ApiContext {
  version: KubeVersion
  store: ObjectStore
  registry: ResourceRegistry
  authentication: AuthenticationChain
  authorizer: Authorizer
  log: Klog
  serviceClusterIpRange: string
  /** Present when --service-account-signing-key-file and --service-account-issuer are set (TokenRequest). */
  tokenIssuing?: TokenIssuing
}

export interface ApiRequest {
  user: UserInfo
  /** Parsed JSON body, or undefined when there is none. */
  body: unknown
  contentType: string
  accept: string | undefined
  query: URLSearchParams
}

/** A finished answer, or a watch the server layer streams. */
export type ApiReply =
  | {kind: 'json'; status: number; body: unknown}
  | {kind: 'watch'; resource: string; group: string; namespace: string; filter: (object: import('./object.js').KubeObject) => boolean; table: boolean}
