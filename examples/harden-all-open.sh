#!/usr/bin/env bash
# Hardens the all-open scenario: every step of `kubelab lesson all-open`, as a platform team would script it.
#
#   kubelab playbook run examples/harden-all-open.sh --scenario all-open
#
# It uses only what `kubelab playbook run` provides:
#   KUBECONFIG          the lab's admin kubeconfig (kubectl uses it)
#   KUBELAB_NODE_EXEC   a command prefix that runs a command on the lab's node; node paths such as
#                       /etc/kubernetes/manifests/etcd.yaml work as on a kubeadm node
#   KUBELAB_RESTART     `$KUBELAB_RESTART kubelet` restarts the kubelet (`systemctl restart kubelet`)
# Static pods restart by themselves when their manifest changes, as the real kubelet does.
set -euo pipefail

: "${KUBELAB_NODE_EXEC:?run me with kubelab playbook run}"
: "${KUBELAB_RESTART:?run me with kubelab playbook run}"

echo "== least privilege: the ingress controller gets read-only rights instead of cluster-admin"
# A binding's roleRef cannot change: delete the cluster-admin binding, then bind the narrow role.
kubectl delete clusterrolebinding ingress-nginx --ignore-not-found
kubectl apply -f - <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ingress-nginx
rules:
  - apiGroups: [""]
    resources: [configmaps, endpoints, nodes, pods, secrets, services, namespaces]
    verbs: [get, list, watch]
  - apiGroups: [networking.k8s.io]
    resources: [ingresses, ingressclasses]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ingress-nginx
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ingress-nginx
subjects:
  - kind: ServiceAccount
    name: ingress-nginx
    namespace: ingress-nginx
YAML

echo "== etcd: TLS for clients, and only clients with a certificate from the etcd CA"
# One sed program per file, one command per line. The first command keeps the line's indentation (\1)
# and adds the TLS flags after the rewritten URL.
etcd_edits='s#^\( *\)- --listen-client-urls=http://\(.*\)$#\1- --listen-client-urls=https://\2\n\1- --cert-file=/etc/kubernetes/pki/etcd/server.crt\n\1- --key-file=/etc/kubernetes/pki/etcd/server.key\n\1- --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt\n\1- --client-cert-auth=true#
s#--advertise-client-urls=http://#--advertise-client-urls=https://#'
$KUBELAB_NODE_EXEC sed -i "$etcd_edits" /etc/kubernetes/manifests/etcd.yaml

echo "== kube-apiserver: etcd over TLS with its client certificate, no insecure port, Node,RBAC, no anonymous requests"
apiserver_edits='s#^\( *\)- --etcd-servers=http://\(.*\)$#\1- --etcd-servers=https://\2\n\1- --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt\n\1- --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt\n\1- --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key#
s#--insecure-port=[0-9]*#--insecure-port=0#
/--insecure-bind-address=/d
s#--anonymous-auth=true#--anonymous-auth=false#
s#--authorization-mode=.*#--authorization-mode=Node,RBAC#'
$KUBELAB_NODE_EXEC sed -i "$apiserver_edits" /etc/kubernetes/manifests/kube-apiserver.yaml

echo "== kubelet: no anonymous requests, every request authorized by the API server, no read-only port"
kubelet_edits='/^  anonymous:/,/enabled:/ s#enabled: true#enabled: false#
/^authorization:/,/mode:/ s#mode: AlwaysAllow#mode: Webhook#
s#^readOnlyPort: .*#readOnlyPort: 0#'
$KUBELAB_NODE_EXEC sed -i "$kubelet_edits" /var/lib/kubelet/config.yaml
$KUBELAB_RESTART kubelet

echo "== done"
