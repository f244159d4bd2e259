#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Rebuild the RBAC Explorer demo snapshot (everything except 40-tokens.yaml).

Usage:  python3 build-demo.py [FIXTURES_DIR]      (default: /work/shared/fixtures/real)
        python3 generate-tokens.py                 (afterwards: writes 40-tokens.yaml)

Writes, next to this script:
  00-cluster.yaml            Namespaces, Nodes, every namespace's `default` ServiceAccount, tracking ConfigMap
  10-bootstrap-policy.yaml   Kubernetes bootstrap RBAC policy (real files, kept as `kind: List`)
  15-kube-system.yaml        what kube-controller-manager / kubeadm create in kube-system (authored)
  20-operators.yaml          cert-manager, ingress-nginx, kube-prometheus, Argo CD (real files, filtered)
  30-workloads.yaml          demo applications and operator-generated StatefulSets (authored)
  35-pods.yaml               one Pod per workload replica, as admission would have mutated it (generated)
  50-planted-problems.yaml   RBAC objects that carry the planted review findings (authored)

The output is deterministic: uids are uuid5 of kind/namespace/name, random-looking name suffixes come
from a seeded generator.
"""
import base64
import copy
import os
import random
import sys
import uuid

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/fixtures/real"

RNG = random.Random(20261129)
ALNUM = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery/pkg/util/rand alphabet


def rand_suffix(n=5):
    return "".join(RNG.choice(ALNUM) for _ in range(n))


def uid(kind, ns, name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "rbac-explorer-demo/%s/%s/%s" % (kind, ns or "", name)))


class NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def dump(obj):
    return yaml.dump(obj, Dumper=NoAliasDumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=120)


def b64(s):
    return base64.b64encode(s.encode()).decode()


CLUSTER_SCOPED = {"Namespace", "Node", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"}
KEEP_KINDS = {"Namespace", "ServiceAccount", "Secret", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
              "Deployment", "DaemonSet", "StatefulSet"}
RBAC = "rbac.authorization.k8s.io"
RBAC_V1 = "rbac.authorization.k8s.io/v1"

VELERO_LABELS = {"velero.io/backup-name": "old-cluster-final-20241202",
                 "velero.io/restore-name": "old-cluster-final-20241202-20241203101200"}


def meta(kind, name, ns=None, created=None, labels=None, annotations=None, **extra):
    m = {"name": name}
    if ns is not None:
        m["namespace"] = ns
    m["uid"] = uid(kind, ns, name)
    if created:
        m["creationTimestamp"] = created
    if labels:
        m["labels"] = dict(labels)
    if annotations:
        m["annotations"] = dict(annotations)
    m.update(extra)
    return m


def namespace(name, created, labels=None, annotations=None):
    lab = {"kubernetes.io/metadata.name": name}
    lab.update(labels or {})
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": meta("Namespace", name, None, created, lab, annotations),
            "spec": {"finalizers": ["kubernetes"]}}


def service_account(ns, name, created, automount=None, labels=None, annotations=None, secrets=None):
    o = {"apiVersion": "v1", "kind": "ServiceAccount",
         "metadata": meta("ServiceAccount", name, ns, created, labels, annotations)}
    if secrets:
        o["secrets"] = [{"name": s} for s in secrets]
    if automount is not None:
        o["automountServiceAccountToken"] = automount
    return o


def rules(*triples):
    """triples: (apiGroups, resources, verbs[, resourceNames])"""
    out = []
    for t in triples:
        r = {"apiGroups": list(t[0]), "resources": list(t[1]), "verbs": list(t[2])}
        if len(t) > 3:
            r["resourceNames"] = list(t[3])
        out.append(r)
    return out


def cluster_role(name, created, rule_list=None, labels=None, annotations=None, aggregation=None):
    o = {"apiVersion": RBAC_V1, "kind": "ClusterRole",
         "metadata": meta("ClusterRole", name, None, created, labels, annotations)}
    if aggregation is not None:
        o["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": aggregation}]}
    if rule_list is not None:
        o["rules"] = rule_list
    return o


def role(ns, name, created, rule_list, labels=None, annotations=None):
    return {"apiVersion": RBAC_V1, "kind": "Role",
            "metadata": meta("Role", name, ns, created, labels, annotations), "rules": rule_list}


def subj_sa(ns, name):
    return {"kind": "ServiceAccount", "name": name, "namespace": ns}


def subj_group(name):
    return {"apiGroup": RBAC, "kind": "Group", "name": name}


def subj_user(name):
    return {"apiGroup": RBAC, "kind": "User", "name": name}


def crb(name, created, role_name, subjects, labels=None, annotations=None):
    return {"apiVersion": RBAC_V1, "kind": "ClusterRoleBinding",
            "metadata": meta("ClusterRoleBinding", name, None, created, labels, annotations),
            "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": role_name}, "subjects": subjects}


def rb(ns, name, created, ref_kind, role_name, subjects, labels=None, annotations=None):
    return {"apiVersion": RBAC_V1, "kind": "RoleBinding",
            "metadata": meta("RoleBinding", name, ns, created, labels, annotations),
            "roleRef": {"apiGroup": RBAC, "kind": ref_kind, "name": role_name}, "subjects": subjects}


def container(name, image, mounts=None, env=None, **extra):
    c = {"name": name, "image": image}
    c.update(extra)
    if env:
        c["env"] = env
    if mounts:
        c["volumeMounts"] = mounts
    return c


def workload(kind, ns, name, created, containers, sa=None, automount=None, volumes=None, replicas=1,
             labels=None, annotations=None, owner=None, extra_spec=None, meta_labels=None):
    app_labels = {"app.kubernetes.io/name": name}
    app_labels.update(labels or {})
    pod_spec = {}
    if sa:
        pod_spec["serviceAccountName"] = sa
    if automount is not None:
        pod_spec["automountServiceAccountToken"] = automount
    pod_spec["containers"] = containers
    if volumes:
        pod_spec["volumes"] = volumes
    if extra_spec:
        pod_spec.update(extra_spec)
    m = meta(kind, name, ns, created, dict(app_labels, **(meta_labels or {})), annotations)
    if owner:
        m["ownerReferences"] = [owner]
    spec = {}
    if kind != "DaemonSet":
        spec["replicas"] = replicas
    spec["selector"] = {"matchLabels": {"app.kubernetes.io/name": name}}
    if kind == "StatefulSet":
        spec["serviceName"] = name
    spec["template"] = {"metadata": {"labels": dict(app_labels)}, "spec": pod_spec}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": m, "spec": spec}


class Out:
    """A YAML file made of documents, each optionally preceded by comment lines."""

    def __init__(self, fname, header):
        self.fname = fname
        self.header = header.strip("\n")
        self.docs = []

    def add(self, obj, comment=None):
        self.docs.append((comment, obj))
        return obj

    def write(self):
        parts = ["\n".join("# " + line if line else "#" for line in self.header.split("\n")) + "\n"]
        for comment, obj in self.docs:
            s = "---\n"
            if comment:
                s += "\n".join("# " + line for line in comment.strip("\n").split("\n")) + "\n"
            s += dump(obj)
            parts.append(s)
        with open(os.path.join(HERE, self.fname), "w") as f:
            f.write("".join(parts))


def load_docs(path):
    with open(os.path.join(FIX, path)) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def flatten(docs):
    out = []
    for d in docs:
        if d.get("kind", "").endswith("List") and "items" in d:
            out.extend(d["items"] or [])
        else:
            out.append(d)
    return out


def ts(day, hh=0, mm=0, ss=0):
    return "%sT%02d:%02d:%02dZ" % (day, hh, mm, ss)


# ----------------------------------------------------------------------------------------------------------
# 00-cluster.yaml
# ----------------------------------------------------------------------------------------------------------
BOOT = "2024-12-02"        # kubeadm init (v1.26.x at the time)
RESTORE = "2024-12-03"     # Velero restore of team-a and legacy-apps from the retired pre-1.24 cluster

NODES = ["cp-1", "worker-1", "worker-2"]
WORKERS = ["worker-1", "worker-2"]

all_sas = {}   # (ns, name) -> SA object (for pod admission simulation)
workloads = []  # (file, obj)

c00 = Out("00-cluster.yaml", """
RBAC Explorer demo snapshot — cluster "demo-prod-eu1" as seen on 2026-11-29 (see README.md).
Namespaces, Nodes, each namespace's `default` ServiceAccount (created by the serviceaccounts controller)
and the legacy-token tracking ConfigMap. Authored for the demo; generated by build-demo.py.
Namespaces cert-manager, ingress-nginx and monitoring come from the operator manifests in 20-operators.yaml.
""")

ns_created = {
    "kube-system": ts(BOOT, 8, 0, 2), "kube-public": ts(BOOT, 8, 0, 2), "kube-node-lease": ts(BOOT, 8, 0, 2),
    "default": ts(BOOT, 8, 0, 2),
    "team-a": ts(RESTORE, 10, 12, 4), "legacy-apps": ts(RESTORE, 10, 12, 9),
    "cert-manager": ts("2024-12-04", 9, 12, 0), "ingress-nginx": ts("2024-12-04", 9, 40, 0),
    "monitoring": ts("2024-12-05", 14, 2, 0),
    "argocd": ts("2025-02-17", 11, 20, 0), "payments": ts("2025-03-18", 9, 0, 0),
}
for n in ["kube-system", "kube-public", "kube-node-lease", "default"]:
    c00.add(namespace(n, ns_created[n]))
c00.add(namespace("argocd", ns_created["argocd"]))
c00.add(namespace("payments", ns_created["payments"],
                  {"pod-security.kubernetes.io/warn": "restricted", "team": "payments"}))
c00.add(namespace("team-a", ns_created["team-a"], dict(VELERO_LABELS, team="team-a")))
c00.add(namespace("legacy-apps", ns_created["legacy-apps"], dict(VELERO_LABELS, team="platform")))

for i, n in enumerate(NODES):
    labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
              "kubernetes.io/hostname": n, "kubernetes.io/os": "linux"}
    if n.startswith("cp-"):
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
    c00.add({"apiVersion": "v1", "kind": "Node",
             "metadata": meta("Node", n, None, ts(BOOT, 8, 1 + 3 * i, 30), labels,
                              {"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
                               "node.alpha.kubernetes.io/ttl": "0",
                               "volumes.kubernetes.io/controller-managed-attach-detach": "true"})})

# default ServiceAccounts: automount left unset (= on) except payments and monitoring (hardened).
DEFAULT_SA_SPECIAL = {
    "payments": dict(automount=False),
    "monitoring": dict(automount=False),
    # restored from the pre-1.24 cluster together with their auto-generated token Secrets (see 40-tokens.yaml)
    "team-a": dict(labels=VELERO_LABELS, secrets=["default-token-r7t5n"]),
    "legacy-apps": dict(labels=VELERO_LABELS, secrets=["default-token-8xw2m"]),
}
for n in ["kube-system", "kube-public", "kube-node-lease", "default", "cert-manager", "ingress-nginx", "monitoring",
          "argocd", "payments", "team-a", "legacy-apps"]:
    created = ns_created[n][:-3] + "%02dZ" % (int(ns_created[n][-3:-1]) + 1)
    comment = None
    if n in ("payments", "monitoring"):
        comment = "hardened: automountServiceAccountToken: false"
    elif n in ("team-a", "legacy-apps"):
        comment = "restored by Velero; still lists its pre-1.24 auto-generated token Secret (PLANTED P1, T2/T3)"
    sa = service_account(n, "default", created, **DEFAULT_SA_SPECIAL.get(n, {}))
    all_sas[(n, "default")] = sa
    c00.add(sa, comment)

c00.add({"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": meta("ConfigMap", "kube-apiserver-legacy-service-account-token-tracking", "kube-system",
                          ts("2025-01-15", 6, 31, 12)),
         "data": {"since": "2025-01-15"}},
        "written by kube-apiserver when LegacyServiceAccountTokenTracking became active (upgrade to v1.27)")

# ----------------------------------------------------------------------------------------------------------
# 10-bootstrap-policy.yaml (real)
# ----------------------------------------------------------------------------------------------------------
c10 = Out("10-bootstrap-policy.yaml", """
Kubernetes bootstrap RBAC policy, copied from real upstream files (Apache-2.0) — see README.md "Provenance".
Each document is a `kind: List` exactly as in the source (re-serialised with PyYAML; content unchanged)
except where noted on the document. Aggregated ClusterRoles (admin, edit, view) carry `rules: null` here,
as in the source testdata: their rules must be computed from `aggregationRule`.
""")
SRC = {
    "cr": ("kubernetes/kubernetes", "plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml",
           "025f2834a128798cef30018a5e6a6ae82b5ad885"),
    "crb": ("openshift/kubernetes", "plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-role-bindings.yaml",
            "95e062fd30e833905cde9671a87b83257b477b6f"),
    "ctr": ("kubernetes/kubernetes", "plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/controller-roles.yaml",
            "008b3652959ca58af8be3fb5b6ecfe9ae7638282"),
    "ctrb": ("kubernetes/kubernetes",
             "plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/controller-role-bindings.yaml",
             "0158d1b41c0296239adbbe5bc925fa635befd14d"),
    "nr": ("kubernetes/kubernetes", "plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/namespace-roles.yaml",
           "008b3652959ca58af8be3fb5b6ecfe9ae7638282"),
    "nrb": ("kubernetes/kubernetes",
            "plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/namespace-role-bindings.yaml",
            "008b3652959ca58af8be3fb5b6ecfe9ae7638282"),
}


def src_comment(key, note=None):
    repo, path, commit = SRC[key]
    s = "Source: %s %s @ %s (Apache-2.0)" % (repo, path, commit)
    if note:
        s += "\n" + note
    return s


def load_list(path):
    docs = load_docs(path)
    assert len(docs) == 1 and docs[0]["kind"] == "List", path
    return docs[0]


c10.add(load_list("kubernetes-bootstrappolicy/cluster-roles.yaml"), src_comment("cr"))
lst = load_list("openshift-kubernetes-bootstrappolicy/cluster-role-bindings.yaml")
lst["items"] = [i for i in lst["items"] if i["metadata"]["name"] != "system:openshift:public-info-viewer"]
c10.add(lst, src_comment("crb", "Modified: dropped the OpenShift-only item system:openshift:public-info-viewer "
                                "(what remains is the current upstream ClusterRoleBinding set)."))
ctr_roles = load_list("kubernetes-bootstrappolicy/controller-roles.yaml")
c10.add(ctr_roles, src_comment("ctr"))
lst = load_list("kubernetes-bootstrappolicy/controller-role-bindings.yaml")
lst["items"] = [i for i in lst["items"] if i["metadata"]["name"] != "system:controller:podcheckpoint-controller"]
ctr_bindings = lst
c10.add(lst, src_comment("ctrb", "Modified: dropped system:controller:podcheckpoint-controller — the stored bindings file "
                                 "is from a different commit than\ncontroller-roles.yaml, which has no such ClusterRole "
                                 "(version skew of the fixture, not something a real cluster shows)."))
c10.add(load_list("kubernetes-bootstrappolicy/namespace-roles.yaml"), src_comment("nr"))
c10.add(load_list("kubernetes-bootstrappolicy/namespace-role-bindings.yaml"), src_comment("nrb"))

# ----------------------------------------------------------------------------------------------------------
# 15-kube-system.yaml (authored after kube-controller-manager / kubeadm defaults)
# ----------------------------------------------------------------------------------------------------------
c15 = Out("15-kube-system.yaml", """
kube-system as a kubeadm cluster shows it. Authored for the demo (not copied from a fixture), following what
kube-controller-manager (--use-service-account-credentials) and kubeadm create:
  * one ServiceAccount per controller bound in 10-bootstrap-policy.yaml (used in-process by
    kube-controller-manager, so no Pod runs as them), plus bootstrap-signer and token-cleaner;
  * kubeadm's RBAC (kubeadm:* bindings, system:coredns), CoreDNS and kube-proxy;
  * the control-plane mirror Pods (static pods: no ServiceAccount, no token volume).
Deliberately absent, as in a real kubeadm cluster: ServiceAccounts kube-dns, kube-controller-manager,
kube-scheduler, leader-election-controller and cloud-provider, which bootstrap bindings still name.
""")
sa_names = sorted({s["name"] for b in ctr_bindings["items"] for s in b["subjects"] if s["kind"] == "ServiceAccount"}
                  | {"bootstrap-signer", "token-cleaner"})
for i, n in enumerate(sa_names):
    sa = service_account("kube-system", n, ts(BOOT, 8, 0, 20 + i % 30))
    all_sas[("kube-system", n)] = sa
    c15.add(sa)
for n, t in (("coredns", ts(BOOT, 8, 1, 12)), ("kube-proxy", ts(BOOT, 8, 1, 13))):
    sa = service_account("kube-system", n, t)
    all_sas[("kube-system", n)] = sa
    c15.add(sa)

T = ts(BOOT, 8, 1, 10)
c15.add(cluster_role("kubeadm:get-nodes", T, rules(([""], ["nodes"], ["get"]))))
c15.add(crb("kubeadm:get-nodes", T, "kubeadm:get-nodes", [subj_group("system:bootstrappers:kubeadm:default-node-token")]))
c15.add(crb("kubeadm:kubelet-bootstrap", T, "system:node-bootstrapper",
            [subj_group("system:bootstrappers:kubeadm:default-node-token")]))
c15.add(crb("kubeadm:node-autoapprove-bootstrap", T, "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
            [subj_group("system:bootstrappers:kubeadm:default-node-token")]))
c15.add(crb("kubeadm:node-autoapprove-certificate-rotation", T,
            "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [subj_group("system:nodes")]))
c15.add(crb("kubeadm:cluster-admins", T, "cluster-admin", [subj_group("kubeadm:cluster-admins")]))
c15.add(crb("kubeadm:node-proxier", T, "system:node-proxier", [subj_sa("kube-system", "kube-proxy")]))
c15.add(role("kube-system", "kubeadm:kubelet-config", T, rules(([""], ["configmaps"], ["get"], ["kubelet-config"]))))
c15.add(rb("kube-system", "kubeadm:kubelet-config", T, "Role", "kubeadm:kubelet-config",
           [subj_group("system:nodes"), subj_group("system:bootstrappers:kubeadm:default-node-token")]))
c15.add(role("kube-system", "kubeadm:nodes-kubeadm-config", T,
             rules(([""], ["configmaps"], ["get"], ["kubeadm-config"]))))
c15.add(rb("kube-system", "kubeadm:nodes-kubeadm-config", T, "Role", "kubeadm:nodes-kubeadm-config",
           [subj_group("system:bootstrappers:kubeadm:default-node-token"), subj_group("system:nodes")]))
c15.add(role("kube-system", "kube-proxy", T, rules(([""], ["configmaps"], ["get"], ["kube-proxy"]))))
c15.add(rb("kube-system", "kube-proxy", T, "Role", "kube-proxy",
           [subj_group("system:bootstrappers:kubeadm:default-node-token")]))
c15.add(role("kube-public", "kubeadm:bootstrap-signer-clusterinfo", T,
             rules(([""], ["configmaps"], ["get"], ["cluster-info"]))))
c15.add(rb("kube-public", "kubeadm:bootstrap-signer-clusterinfo", T, "Role", "kubeadm:bootstrap-signer-clusterinfo",
           [subj_user("system:anonymous")]))
c15.add(cluster_role("system:coredns", T, rules(([""], ["endpoints", "services", "pods", "namespaces"], ["list", "watch"]),
                                                (["discovery.k8s.io"], ["endpointslices"], ["list", "watch"]))))
c15.add(crb("system:coredns", T, "system:coredns", [subj_sa("kube-system", "coredns")]))

w = workload("Deployment", "kube-system", "coredns", ts(BOOT, 8, 1, 14),
             [container("coredns", "registry.k8s.io/coredns/coredns:v1.12.1", args=["-conf", "/etc/coredns/Corefile"],
                        mounts=[{"mountPath": "/etc/coredns", "name": "config-volume", "readOnly": True}])],
             sa="coredns", volumes=[{"name": "config-volume", "configMap": {"name": "coredns", "defaultMode": 420,
                                                                             "items": [{"key": "Corefile", "path": "Corefile"}]}}],
             replicas=2, labels={"k8s-app": "kube-dns"}, extra_spec={"priorityClassName": "system-cluster-critical"})
c15.add(w)
workloads.append(w)
w = workload("DaemonSet", "kube-system", "kube-proxy", ts(BOOT, 8, 1, 15),
             [container("kube-proxy", "registry.k8s.io/kube-proxy:v1.36.4",
                        command=["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                                 "--hostname-override=$(NODE_NAME)"],
                        mounts=[{"mountPath": "/var/lib/kube-proxy", "name": "kube-proxy"},
                                {"mountPath": "/run/xtables.lock", "name": "xtables-lock"},
                                {"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": True}])],
             sa="kube-proxy",
             volumes=[{"name": "kube-proxy", "configMap": {"name": "kube-proxy", "defaultMode": 420}},
                      {"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}},
                      {"name": "lib-modules", "hostPath": {"path": "/lib/modules", "type": ""}}],
             labels={"k8s-app": "kube-proxy"},
             extra_spec={"hostNetwork": True, "priorityClassName": "system-node-critical",
                         "tolerations": [{"operator": "Exists"}]})
c15.add(w)
workloads.append(w)

node_uid = {n: uid("Node", None, n) for n in NODES}
MIRROR = {
    "etcd": ("registry.k8s.io/etcd:3.6.5-0", ["etcd", "--advertise-client-urls=https://10.20.0.11:2379",
                                              "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
                                              "--data-dir=/var/lib/etcd", "--client-cert-auth=true"],
             [("etcd-data", "/var/lib/etcd"), ("etcd-certs", "/etc/kubernetes/pki/etcd")]),
    "kube-apiserver": ("registry.k8s.io/kube-apiserver:v1.36.4",
                       ["kube-apiserver", "--advertise-address=10.20.0.11", "--authorization-mode=Node,RBAC",
                        "--enable-admission-plugins=NodeRestriction", "--client-ca-file=/etc/kubernetes/pki/ca.crt",
                        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                        "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
                        "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
                        "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt"],
                       [("k8s-certs", "/etc/kubernetes/pki"), ("ca-certs", "/etc/ssl/certs")]),
    "kube-controller-manager": ("registry.k8s.io/kube-controller-manager:v1.36.4",
                                ["kube-controller-manager", "--controllers=*,bootstrapsigner,tokencleaner",
                                 "--kubeconfig=/etc/kubernetes/controller-manager.conf", "--leader-elect=true",
                                 "--root-ca-file=/etc/kubernetes/pki/ca.crt",
                                 "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
                                 "--use-service-account-credentials=true"],
                                [("k8s-certs", "/etc/kubernetes/pki"), ("kubeconfig", "/etc/kubernetes/controller-manager.conf")]),
    "kube-scheduler": ("registry.k8s.io/kube-scheduler:v1.36.4",
                       ["kube-scheduler", "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true"],
                       [("kubeconfig", "/etc/kubernetes/scheduler.conf")]),
}
for comp, (image, cmd, vols) in MIRROR.items():
    name = comp + "-cp-1"
    h = "%032x" % RNG.getrandbits(128)
    c15.add({"apiVersion": "v1", "kind": "Pod",
             "metadata": meta("Pod", name, "kube-system", ts("2026-10-06", 7, 44, 10 + len(comp)),
                              {"component": comp, "tier": "control-plane"},
                              {"kubernetes.io/config.hash": h, "kubernetes.io/config.mirror": h,
                               "kubernetes.io/config.seen": "2026-10-06T07:44:02.118349211Z",
                               "kubernetes.io/config.source": "file"},
                              ownerReferences=[{"apiVersion": "v1", "controller": True, "kind": "Node",
                                                "name": "cp-1", "uid": node_uid["cp-1"]}]),
             "spec": {"containers": [{"name": comp, "image": image, "command": cmd,
                                      "volumeMounts": [{"mountPath": p, "name": v, "readOnly": v != "etcd-data"}
                                                       for v, p in vols]}],
                      "hostNetwork": True, "nodeName": "cp-1", "priorityClassName": "system-node-critical",
                      "volumes": [{"name": v, "hostPath": {"path": p, "type": "DirectoryOrCreate" if v != "kubeconfig"
                                   else "FileOrCreate"}} for v, p in vols]}},
            "mirror pod of a static pod (kubelet manifest) — no ServiceAccount" if comp == "etcd" else None)

# ----------------------------------------------------------------------------------------------------------
# 20-operators.yaml (real, filtered)
# ----------------------------------------------------------------------------------------------------------
c20 = Out("20-operators.yaml", """
Real operator manifests (Apache-2.0) as installed — see README.md "Provenance". Transformations:
  * only kinds Namespace, ServiceAccount, Secret, Role, ClusterRole, RoleBinding, ClusterRoleBinding,
    Deployment, DaemonSet, StatefulSet are kept (CRDs, Services, ConfigMaps, webhooks, NetworkPolicies,
    Jobs, CR instances ... dropped);
  * Argo CD's install.yaml has no namespaces (it is applied with -n argocd): namespace argocd is added to
    every namespaced object; RoleBinding subjects without a namespace are left as in the source;
  * metadata.uid and metadata.creationTimestamp are added (install dates); Namespaces get the
    kubernetes.io/metadata.name label the API server adds; kube-prometheus Secrets' stringData is
    converted to base64 data (what the API server stores); kubectl last-applied annotations stripped.
""")
OPERATORS = [
    ("cert-manager", ["cert-manager/cert-manager.yaml"], None, "2024-12-04", 9, 12,
     "kubeflow/manifests common/cert-manager/base/upstream/cert-manager.yaml @ 009c88084074904c7743384ff50d3bd70012ef55 "
     "(upstream cert-manager v1.19.4, Apache-2.0)"),
    ("ingress-nginx", ["ingress-nginx/deploy.yaml"], None, "2024-12-04", 9, 40,
     "kubernetes/ingress-nginx deploy/static/provider/cloud/deploy.yaml @ dbb11b92ddb77bee9c35e462479129354c84f939 "
     "(controller v1.15.1, Apache-2.0)"),
    ("kube-prometheus", sorted(p for p in os.listdir(os.path.join(FIX, "kube-prometheus")) if p.endswith(".yaml")),
     None, "2024-12-05", 14, 2,
     "prometheus-operator/kube-prometheus manifests/*.yaml (namespace.yaml = manifests/setup/namespace.yaml) "
     "@ 4d719f1dea8853540b3823ab1fbe6be74a9953b3 (Apache-2.0)"),
    ("argo-cd", ["argo-cd/install.yaml"], "argocd", "2025-02-17", 11, 25,
     "argoproj/argo-cd manifests/install.yaml @ 37ee0097cf851bc2dd7665fc081bbce61a7e836e (Apache-2.0)"),
]
for op, files, force_ns, day, hh, mm, source in OPERATORS:
    objs = []
    for f in files:
        path = f if "/" in f else "kube-prometheus/" + f
        objs.extend(flatten(load_docs(path)))
    objs = [o for o in objs if o.get("kind") in KEEP_KINDS]
    for i, o in enumerate(objs):
        m = o["metadata"]
        if force_ns and o["kind"] not in CLUSTER_SCOPED and not m.get("namespace"):
            # keep metadata key order readable: name, namespace, ...
            items = list(m.items())
            m.clear()
            for k, v in items:
                m[k] = v
                if k == "name":
                    m["namespace"] = force_ns
        ann = m.get("annotations")
        if ann:
            ann.pop("kubectl.kubernetes.io/last-applied-configuration", None)
            if not ann:
                del m["annotations"]
        if o["kind"] == "Namespace":
            m.setdefault("labels", {})["kubernetes.io/metadata.name"] = m["name"]
        if o["kind"] == "Secret" and "stringData" in o:
            data = o.setdefault("data", {})
            for k, v in o.pop("stringData").items():
                data[k] = b64(v)
        m["uid"] = uid(o["kind"], m.get("namespace"), m["name"])
        m["creationTimestamp"] = ts(day, hh, mm + i // 60, i % 60)
        if o["kind"] == "ServiceAccount":
            all_sas[(m["namespace"], m["name"])] = o
        if o["kind"] in ("Deployment", "StatefulSet", "DaemonSet"):
            workloads.append(o)
        c20.add(o, ("Source: " + source) if i == 0 else None)

# ----------------------------------------------------------------------------------------------------------
# 30-workloads.yaml (authored)
# ----------------------------------------------------------------------------------------------------------
c30 = Out("30-workloads.yaml", """
Demo applications and their ServiceAccounts, plus the StatefulSets prometheus-operator generates from the
kube-prometheus Prometheus/Alertmanager resources. Authored for the demo; generated by build-demo.py.
Planted findings are marked "PLANTED Pn" (see README.md).
""")


def add30(o, comment=None):
    if o["kind"] == "ServiceAccount":
        all_sas[(o["metadata"]["namespace"], o["metadata"]["name"])] = o
    if o["kind"] in ("Deployment", "StatefulSet", "DaemonSet"):
        workloads.append(o)
    return c30.add(o, comment)


KP = {"app.kubernetes.io/part-of": "kube-prometheus"}
add30(workload("StatefulSet", "monitoring", "prometheus-k8s", ts("2024-12-05", 14, 3, 30),
               [container("prometheus", "quay.io/prometheus/prometheus:v3.13.2",
                          mounts=[{"mountPath": "/etc/prometheus/config_out", "name": "config-out", "readOnly": True},
                                  {"mountPath": "/prometheus", "name": "prometheus-k8s-db"}]),
                container("config-reloader", "quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1",
                          mounts=[{"mountPath": "/etc/prometheus/config", "name": "config"},
                                  {"mountPath": "/etc/prometheus/config_out", "name": "config-out"}])],
               sa="prometheus-k8s", automount=True, replicas=2,
               volumes=[{"name": "config", "secret": {"secretName": "prometheus-k8s", "defaultMode": 420}},
                        {"name": "config-out", "emptyDir": {"medium": "Memory"}},
                        {"name": "prometheus-k8s-db", "emptyDir": {}}],
               labels=dict(KP, **{"app.kubernetes.io/instance": "k8s", "app.kubernetes.io/component": "prometheus"}),
               owner={"apiVersion": "monitoring.coreos.com/v1", "blockOwnerDeletion": True, "controller": True,
                      "kind": "Prometheus", "name": "k8s", "uid": uid("Prometheus", "monitoring", "k8s")}),
      "generated by prometheus-operator from Prometheus monitoring/k8s (kube-prometheus)")
add30(workload("StatefulSet", "monitoring", "alertmanager-main", ts("2024-12-05", 14, 3, 31),
               [container("alertmanager", "quay.io/prometheus/alertmanager:v0.33.1",
                          mounts=[{"mountPath": "/etc/alertmanager/config", "name": "config-volume"},
                                  {"mountPath": "/alertmanager", "name": "alertmanager-main-db"}])],
               sa="alertmanager-main", replicas=3,
               volumes=[{"name": "config-volume", "secret": {"secretName": "alertmanager-main-generated",
                                                             "defaultMode": 420}},
                        {"name": "alertmanager-main-db", "emptyDir": {}}],
               labels=dict(KP, **{"app.kubernetes.io/instance": "main", "app.kubernetes.io/component": "alert-router"}),
               owner={"apiVersion": "monitoring.coreos.com/v1", "blockOwnerDeletion": True, "controller": True,
                      "kind": "Alertmanager", "name": "main", "uid": uid("Alertmanager", "monitoring", "main")}),
      "generated by prometheus-operator from Alertmanager monitoring/main (SA has automount false, pod inherits it)")

# default namespace
add30(workload("Deployment", "default", "hello-web", ts("2025-05-06", 13, 22, 0),
               [container("web", "nginxinc/nginx-unprivileged:1.27-alpine")], replicas=1),
      "PLANTED P2: no serviceAccountName -> runs as default/default (automount on)")

# team-a
TEAM_A = ts(RESTORE, 10, 12, 40)
add30(workload("Deployment", "team-a", "frontend", ts("2025-06-23", 8, 5, 0),
               [container("frontend", "registry.example.com/team-a/frontend:4.2.0")], replicas=2),
      "PLANTED P2: no serviceAccountName -> runs as team-a/default, which is bound to `edit` (P1)")
add30(service_account("team-a", "ci-runner", ts("2025-04-02", 7, 58, 0),
                      annotations={"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/team-a-ci-runner",
                                   "eks.amazonaws.com/sts-regional-endpoints": "true"}),
      "PLANTED P10: cloud IAM role (IRSA annotation) + cluster-wide wildcard RBAC (P4, ci-runner-superuser)")
add30(workload("Deployment", "team-a", "ci-runner", ts("2025-04-02", 7, 58, 10),
               [container("runner", "gitlab/gitlab-runner:v17.6.0",
                          mounts=[{"mountPath": "/etc/gitlab-runner", "name": "runner-config"}])],
               sa="ci-runner",
               volumes=[{"name": "runner-config", "secret": {"secretName": "ci-runner-config", "defaultMode": 420}}]))
add30(service_account("team-a", "tiller", TEAM_A, labels=dict(VELERO_LABELS, app="helm", name="tiller")),
      "Helm 2 Tiller, restored from the old cluster; bound to the wildcard Role team-a/namespace-owner (P4)")
add30(workload("Deployment", "team-a", "tiller-deploy", TEAM_A,
               [container("tiller", "ghcr.io/helm/tiller:v2.17.0",
                          env=[{"name": "TILLER_NAMESPACE", "value": "team-a"},
                               {"name": "TILLER_HISTORY_MAX", "value": "0"}])],
               sa="tiller", labels={"app": "helm", "name": "tiller"}, meta_labels=VELERO_LABELS))
add30(service_account("team-a", "access-broker", ts("2025-09-09", 15, 30, 0)),
      "PLANTED P9: may impersonate users, groups and serviceaccounts cluster-wide")
add30(workload("Deployment", "team-a", "access-broker", ts("2025-09-09", 15, 30, 5),
               [container("broker", "registry.example.com/platform/access-broker:2.1.0")], sa="access-broker"))
add30(service_account("team-a", "capacity-planner", ts("2026-03-02", 10, 0, 0)),
      "PLANTED P12: granted `nodes` through a RoleBinding (no effect)")
add30(workload("Deployment", "team-a", "capacity-planner", ts("2026-03-02", 10, 0, 5),
               [container("planner", "registry.example.com/team-a/capacity-planner:0.3.1")], sa="capacity-planner"))

# payments
add30(service_account("payments", "payments-api", ts("2025-03-18", 9, 5, 0)))
add30(workload("Deployment", "payments", "payments-api", ts("2025-03-18", 9, 5, 5),
               [container("api", "registry.example.com/payments/api:3.14.2",
                          env=[{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "payments-db",
                                                                                      "key": "password"}}}])],
               sa="payments-api", automount=False, replicas=3),
      "good practice: the pod template opts out of the token (automountServiceAccountToken: false)")
add30(service_account("payments", "deployer", ts("2025-03-18", 9, 6, 0), secrets=["deployer-token-5hdlm"]),
      "PLANTED P3: can create pods in kube-system (RoleBinding kube-system/payments-deployer)")
add30(workload("Deployment", "payments", "deploy-agent", ts("2025-03-18", 9, 6, 5),
               [container("agent", "registry.example.com/payments/deploy-agent:1.4.0")], sa="deployer"))
add30(service_account("payments", "payments-operator", ts("2025-10-14", 12, 0, 0)),
      "PLANTED P11: bound to the aggregated ClusterRole payments-operator")
add30(workload("Deployment", "payments", "payments-operator", ts("2025-10-14", 12, 0, 5),
               [container("operator", "registry.example.com/payments/payments-operator:0.12.0")],
               sa="payments-operator"))

# legacy-apps
LEG = ts(RESTORE, 10, 13, 2)
add30(service_account("legacy-apps", "jenkins", LEG, labels=VELERO_LABELS, secrets=["jenkins-token-4kq9z"]),
      "PLANTED P5: bound to cluster-admin (jenkins-cluster-admin); its legacy token is mounted by jenkins-0 (T1)")
add30(workload("StatefulSet", "legacy-apps", "jenkins", LEG,
               [container("jenkins", "jenkins/jenkins:2.479.3-lts-jdk17",
                          mounts=[{"mountPath": "/var/jenkins_home", "name": "jenkins-home"},
                                  {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                                   "name": "jenkins-token", "readOnly": True}])],
               sa="jenkins", automount=False, meta_labels=VELERO_LABELS,
               volumes=[{"name": "jenkins-home", "emptyDir": {}},
                        {"name": "jenkins-token", "secret": {"secretName": "jenkins-token-4kq9z",
                                                             "defaultMode": 420}}]),
      "PLANTED T1: automount off, but the legacy token Secret is mounted explicitly at the usual path")
add30(service_account("legacy-apps", "config-sync", ts(RESTORE, 10, 13, 3), labels=VELERO_LABELS,
                      secrets=["config-sync-token-p2v6c"]),
      "PLANTED P7, P8: reads secrets cluster-wide; also bound to a missing ClusterRole")
add30(workload("Deployment", "legacy-apps", "config-sync", ts(RESTORE, 10, 13, 3),
               [container("sync", "registry.example.com/platform/config-sync:0.9.4")],
               sa="config-sync", meta_labels=VELERO_LABELS))
add30(workload("Deployment", "legacy-apps", "inventory", ts(RESTORE, 10, 13, 4),
               [container("inventory", "registry.example.com/legacy/inventory:1.8.0")], meta_labels=VELERO_LABELS),
      "PLANTED P2: no serviceAccountName -> runs as legacy-apps/default (view cluster-wide, P1)")

# kube-system add-on
add30(service_account("kube-system", "namespace-provisioner", ts("2025-01-20", 16, 40, 0)),
      "PLANTED P9: may bind/escalate roles and write (Cluster)RoleBindings cluster-wide")
add30(workload("Deployment", "kube-system", "namespace-provisioner", ts("2025-01-20", 16, 40, 5),
               [container("provisioner", "registry.example.com/platform/namespace-provisioner:1.2.5")],
               sa="namespace-provisioner"))

# ----------------------------------------------------------------------------------------------------------
# 50-planted-problems.yaml (authored)
# ----------------------------------------------------------------------------------------------------------
c50 = Out("50-planted-problems.yaml", """
RBAC objects that carry the planted review findings (P1 ... P13). Authored for the demo.
Every finding is listed with exact object names in README.md ("Planted problems").
""")
c50.add(rb("team-a", "default-sa-edit", ts("2025-06-23", 8, 4, 0), "ClusterRole", "edit", [subj_sa("team-a", "default")]),
        "PLANTED P1: the default SA of team-a (automount on, used by Deployment frontend) gets `edit`")
c50.add(crb("legacy-apps-default-view", ts(RESTORE, 10, 13, 30), "view", [subj_sa("legacy-apps", "default")],
            labels=VELERO_LABELS),
        "PLANTED P1: the default SA of legacy-apps gets `view` in every namespace")
c50.add(rb("payments", "default-sa-view", ts("2025-03-18", 9, 7, 0), "ClusterRole", "view",
           [subj_sa("payments", "default")]),
        "negative control for P1: payments/default has automountServiceAccountToken: false")

c50.add(role("kube-system", "pod-launcher", ts("2025-11-03", 14, 12, 0),
             rules(([""], ["pods"], ["create", "get", "list", "watch", "delete"]), ([""], ["pods/log"], ["get"]))),
        "PLANTED P3: may create pods in kube-system ...")
c50.add(rb("kube-system", "payments-deployer", ts("2025-11-03", 14, 12, 5), "Role", "pod-launcher",
           [subj_sa("payments", "deployer")]),
        "PLANTED P3: ... granted to an SA from another namespace (cross-namespace binding)")

c50.add(cluster_role("ci-superuser", ts("2025-04-02", 8, 0, 0), rules((["*"], ["*"], ["*"]))),
        "PLANTED P4: full wildcard ClusterRole")
c50.add(crb("ci-runner-superuser", ts("2025-04-02", 8, 0, 5), "ci-superuser", [subj_sa("team-a", "ci-runner")]),
        "PLANTED P4 + P10: wildcard ClusterRole bound to team-a/ci-runner (which also carries an IAM role)")
c50.add(role("team-a", "namespace-owner", TEAM_A, rules((["*"], ["*"], ["*"])), labels=VELERO_LABELS),
        "PLANTED P4: wildcard Role (namespace-wide)")
c50.add(rb("team-a", "tiller-namespace-owner", TEAM_A, "Role", "namespace-owner", [subj_sa("team-a", "tiller")],
           labels=VELERO_LABELS))

c50.add(crb("jenkins-cluster-admin", ts(RESTORE, 10, 13, 31), "cluster-admin", [subj_sa("legacy-apps", "jenkins")],
            labels=VELERO_LABELS),
        "PLANTED P5: cluster-admin for a ServiceAccount")

c50.add(rb("payments", "metrics-scraper-view", ts("2025-05-12", 11, 0, 0), "ClusterRole", "view",
           [subj_sa("payments", "metrics-scraper")]),
        "PLANTED P6: subject ServiceAccount payments/metrics-scraper does not exist")
c50.add(crb("config-sync-audit-reader", ts("2025-07-01", 9, 30, 0), "audit-log-reader",
            [subj_sa("legacy-apps", "config-sync")]),
        "PLANTED P7: roleRef ClusterRole audit-log-reader does not exist")

c50.add(cluster_role("secret-reader", ts("2025-07-01", 9, 29, 0), rules(([""], ["secrets"], ["get", "list", "watch"]))),
        "PLANTED P8: read every Secret in the cluster ...")
c50.add(crb("config-sync-secret-reader", ts("2025-07-01", 9, 29, 5), "secret-reader",
            [subj_sa("legacy-apps", "config-sync")]))

c50.add(cluster_role("impersonator", ts("2025-09-09", 15, 29, 0),
                     rules(([""], ["users", "groups", "serviceaccounts"], ["impersonate"]),
                           (["authentication.k8s.io"], ["userextras/scopes", "uids"], ["impersonate"]))),
        "PLANTED P9: impersonation")
c50.add(crb("access-broker-impersonator", ts("2025-09-09", 15, 29, 5), "impersonator",
            [subj_sa("team-a", "access-broker")]))
c50.add(cluster_role("rbac-delegator", ts("2025-01-20", 16, 39, 0),
                     rules(([RBAC], ["roles", "clusterroles"], ["get", "list", "watch", "bind", "escalate"]),
                           ([RBAC], ["rolebindings", "clusterrolebindings"],
                            ["get", "list", "watch", "create", "update", "patch", "delete"]),
                           ([""], ["namespaces"], ["get", "list", "watch", "create"]))),
        "PLANTED P9: bind + escalate (can grant itself or anyone any permission)")
c50.add(crb("namespace-provisioner-rbac-delegator", ts("2025-01-20", 16, 39, 5), "rbac-delegator",
            [subj_sa("kube-system", "namespace-provisioner")]))

AGG_KEY = "rbac.payments.example.com/aggregate-to-payments-operator"
c50.add(cluster_role("payments-operator", ts("2025-10-14", 11, 59, 0), aggregation={AGG_KEY: "true"}),
        "PLANTED P11: custom aggregated ClusterRole (rules are filled in by the aggregation controller;\n"
        "left out here like the bootstrap admin/edit/view — compute them from aggregationRule)")
c50.add(cluster_role("payments-operator-workloads", ts("2025-10-14", 11, 59, 1),
                     rules((["apps"], ["deployments", "statefulsets"],
                            ["get", "list", "watch", "create", "update", "patch", "delete"]),
                           ([""], ["configmaps", "services"], ["get", "list", "watch", "create", "update", "patch"])),
                     labels={AGG_KEY: "true"}),
        "selected by payments-operator")
c50.add(cluster_role("payments-operator-secrets", ts("2025-10-14", 11, 59, 2),
                     rules(([""], ["secrets"], ["get", "list", "watch", "create", "update"])),
                     labels={AGG_KEY: "true"}),
        "selected by payments-operator — the secrets access hides behind the aggregation")
c50.add(cluster_role("payments-operator-namespaces", ts("2025-10-14", 11, 59, 3),
                     rules(([""], ["namespaces"], ["delete"])), labels={AGG_KEY: "false"}),
        "NOT selected (label value \"false\"): must not appear in payments-operator's effective rules")
c50.add(rb("payments", "payments-operator", ts("2025-10-14", 12, 0, 1), "ClusterRole", "payments-operator",
           [subj_sa("payments", "payments-operator")]))

c50.add(role("team-a", "node-inspector", ts("2026-03-02", 9, 59, 0),
             rules(([""], ["nodes"], ["get", "list", "watch"]))),
        "PLANTED P12: a namespaced Role naming a cluster-scoped resource ...")
c50.add(rb("team-a", "node-inspector", ts("2026-03-02", 9, 59, 5), "Role", "node-inspector",
           [subj_sa("team-a", "capacity-planner")]),
        "... granted through a RoleBinding: has no effect (nodes are not namespaced)")

sa = service_account("team-a", "report-generator", ts("2025-08-19", 10, 2, 0))
all_sas[("team-a", "report-generator")] = sa
c50.add(sa, "PLANTED P13: unused ServiceAccount (no Pod, no workload) that still holds `view` and a never-used\n"
            "manual legacy token (report-generator-token, see 40-tokens.yaml)")
c50.add(rb("team-a", "report-generator-view", ts("2025-08-19", 10, 2, 5), "ClusterRole", "view",
           [subj_sa("team-a", "report-generator")]))

# ----------------------------------------------------------------------------------------------------------
# 35-pods.yaml (generated: admission-mutated Pods for every workload replica)
# ----------------------------------------------------------------------------------------------------------
c35 = Out("35-pods.yaml", """
Pods, one per workload replica, as the API server stores them after admission (status omitted; container
fields trimmed to name, image, command, env entries that reference Secrets, envFrom and volumeMounts).
Generated by build-demo.py from the workloads in 15/20/30:
  * spec.serviceAccountName defaults to `default`; spec.serviceAccount is the deprecated alias;
  * automount = pod field, else SA field, else true; when true a projected kube-api-access-xxxxx volume
    (serviceAccountToken expirationSeconds 3607 + kube-root-ca.crt + namespace) is added and mounted;
  * pods of an SA with eks.amazonaws.com/role-arn get the pod-identity-webhook's aws-iam-token volume.
""")
POD_DATES = ["2026-11-02", "2026-11-09", "2026-11-14", "2026-11-18", "2026-11-21", "2026-11-24", "2026-11-26",
             "2026-11-27", "2026-11-28"]
SA_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"


def trim_container(c):
    out = {"name": c["name"], "image": c["image"]}
    if c.get("command"):
        out["command"] = c["command"]
    env = [e for e in c.get("env", []) if "secretKeyRef" in (e.get("valueFrom") or {})]
    if env:
        out["env"] = env
    if c.get("envFrom"):
        out["envFrom"] = c["envFrom"]
    out["volumeMounts"] = copy.deepcopy(c.get("volumeMounts", []))
    return out


pod_counter = 0
for wl in workloads:
    kind = wl["kind"]
    wm = wl["metadata"]
    ns, wname = wm["namespace"], wm["name"]
    tmpl = wl["spec"]["template"]
    ps = tmpl["spec"]
    sa_name = ps.get("serviceAccountName") or ps.get("serviceAccount") or "default"
    sa_obj = all_sas.get((ns, sa_name))
    assert sa_obj is not None, (ns, wname, sa_name)
    automount = ps.get("automountServiceAccountToken")
    if automount is None:
        automount = sa_obj.get("automountServiceAccountToken")
    if automount is None:
        automount = True
    if kind == "DaemonSet":
        tol = ps.get("tolerations") or []
        nodes = NODES if any(t.get("operator") == "Exists" and not t.get("key") for t in tol) else WORKERS
        names = [(wname + "-" + rand_suffix(), n) for n in nodes]
        rev = "%x" % RNG.getrandbits(36)
        owner = {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": wname, "uid": wm["uid"]}
        extra_labels = {"controller-revision-hash": rev, "pod-template-generation": "1"}
    elif kind == "StatefulSet":
        reps = wl["spec"].get("replicas", 1)
        names = [("%s-%d" % (wname, i), WORKERS[i % 2]) for i in range(reps)]
        rev = wname + "-" + "".join(RNG.choice("0123456789bcdf") for _ in range(10))
        owner = {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": wname, "uid": wm["uid"]}
        extra_labels = {"controller-revision-hash": rev}
    else:
        reps = wl["spec"].get("replicas", 1)
        h = rand_suffix(10) if RNG.random() < 0.5 else rand_suffix(9)
        rs = "%s-%s" % (wname, h)
        names = [("%s-%s" % (rs, rand_suffix()), WORKERS[(pod_counter + i) % 2]) for i in range(reps)]
        owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": uid("ReplicaSet", ns, rs)}
        extra_labels = {"pod-template-hash": h}
    owner.update({"controller": True, "blockOwnerDeletion": True})
    sa_ann = (sa_obj["metadata"].get("annotations") or {})
    for idx, (pname, node) in enumerate(names):
        pod_counter += 1
        labels = dict(tmpl.get("metadata", {}).get("labels", {}))
        labels.update(extra_labels)
        if kind == "StatefulSet":
            labels["apps.kubernetes.io/pod-index"] = str(idx)
            labels["statefulset.kubernetes.io/pod-name"] = pname
        day = POD_DATES[pod_counter % len(POD_DATES)]
        m = meta("Pod", pname, ns, ts(day, 3 + pod_counter % 17, (pod_counter * 7) % 60, (pod_counter * 13) % 60),
                 labels, None)
        if kind == "Deployment":
            m["generateName"] = owner["name"] + "-"
        elif kind == "DaemonSet":
            m["generateName"] = wname + "-"
        m["ownerReferences"] = [dict(owner)]
        containers = [trim_container(c) for c in ps["containers"]]
        inits = [trim_container(c) for c in ps.get("initContainers", [])]
        volumes = copy.deepcopy(ps.get("volumes", []))
        if sa_ann.get("eks.amazonaws.com/role-arn"):
            for c in containers + inits:
                c.setdefault("env", []).extend([
                    {"name": "AWS_STS_REGIONAL_ENDPOINTS", "value": "regional"},
                    {"name": "AWS_DEFAULT_REGION", "value": "eu-central-1"},
                    {"name": "AWS_REGION", "value": "eu-central-1"},
                    {"name": "AWS_ROLE_ARN", "value": sa_ann["eks.amazonaws.com/role-arn"]},
                    {"name": "AWS_WEB_IDENTITY_TOKEN_FILE",
                     "value": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}])
                c["volumeMounts"].append({"mountPath": "/var/run/secrets/eks.amazonaws.com/serviceaccount",
                                          "name": "aws-iam-token", "readOnly": True})
            volumes.append({"name": "aws-iam-token", "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"audience": "sts.amazonaws.com", "expirationSeconds": 86400,
                                         "path": "token"}}]}})
        if automount:
            vname = "kube-api-access-" + rand_suffix()
            volumes.append({"name": vname, "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                            "path": "namespace"}]}}]}})
            for c in containers + inits:
                if not any(vm["mountPath"] == SA_MOUNT for vm in c["volumeMounts"]):
                    c["volumeMounts"].append({"mountPath": SA_MOUNT, "name": vname, "readOnly": True})
        for c in containers + inits:
            if not c["volumeMounts"]:
                del c["volumeMounts"]
        spec = {}
        if ps.get("automountServiceAccountToken") is not None:
            spec["automountServiceAccountToken"] = ps["automountServiceAccountToken"]
        spec["containers"] = containers
        if inits:
            spec["initContainers"] = inits
        spec["dnsPolicy"] = ps.get("dnsPolicy", "ClusterFirst")
        spec["enableServiceLinks"] = True
        if ps.get("hostNetwork"):
            spec["hostNetwork"] = True
        spec["nodeName"] = node
        if ps.get("priorityClassName"):
            spec["priorityClassName"] = ps["priorityClassName"]
        spec["restartPolicy"] = "Always"
        spec["schedulerName"] = "default-scheduler"
        spec["serviceAccount"] = sa_name
        spec["serviceAccountName"] = sa_name
        spec["terminationGracePeriodSeconds"] = ps.get("terminationGracePeriodSeconds", 30)
        if volumes:
            spec["volumes"] = volumes
        comment = None
        if sa_name == "default" and automount:
            comment = "PLANTED P2: runs as %s/default with a token mounted" % ns
        if pname == "jenkins-0":
            comment = "PLANTED T1: mounts legacy token Secret jenkins-token-4kq9z (cluster-admin SA) via a secret volume"
        c35.add({"apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": spec}, comment)

for o in (c00, c10, c15, c20, c30, c35, c50):
    o.write()
print("wrote", ", ".join(o.fname for o in (c00, c10, c15, c20, c30, c35, c50)))
