import type {CheckDefinition} from '../../model.js'
import {kubeletAnonymousAuth} from './anonymous-auth.js'
import {kubeletAuthorizationMode} from './authorization-mode.js'
import {kubeletClientCa} from './client-ca.js'
import {kubeletExecUnauthenticated} from './exec-unauthenticated.js'
import {kubeletReadOnlyPort} from './read-only-port.js'

export const KUBELET_CHECKS: readonly CheckDefinition[] = [
  kubeletAnonymousAuth,
  kubeletAuthorizationMode,
  kubeletClientCa,
  kubeletReadOnlyPort,
  kubeletExecUnauthenticated,
]
