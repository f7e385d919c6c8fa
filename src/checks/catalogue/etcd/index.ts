import type {CheckDefinition} from '../../model.js'
import {etcdAutoTls} from './auto-tls.js'
import {etcdClientCertAuth} from './client-cert-auth.js'
import {etcdClientTls} from './client-tls.js'
import {etcdDataExposed} from './data-exposed.js'
import {etcdPeerAutoTls} from './peer-auto-tls.js'
import {etcdPeerClientCertAuth} from './peer-client-cert-auth.js'
import {etcdPeerTls} from './peer-tls.js'
import {etcdUniqueCa} from './unique-ca.js'

/** CIS section 2 (etcd) in benchmark order, then what an attacker can read. */
export const ETCD_CHECKS: readonly CheckDefinition[] = [
  etcdClientTls,
  etcdClientCertAuth,
  etcdAutoTls,
  etcdPeerTls,
  etcdPeerClientCertAuth,
  etcdPeerAutoTls,
  etcdUniqueCa,
  etcdDataExposed,
]
