import type {CheckDefinition} from '../model.js'
import {APISERVER_CHECKS} from './apiserver/index.js'
import {ETCD_CHECKS} from './etcd/index.js'
import {KUBELET_CHECKS} from './kubelet/index.js'
import {RBAC_CHECKS} from './rbac/index.js'

/** Every check kubelab knows, in report order. Ids are user-facing and stable. */
export const CATALOGUE: readonly CheckDefinition[] = [...APISERVER_CHECKS, ...KUBELET_CHECKS, ...ETCD_CHECKS, ...RBAC_CHECKS]
