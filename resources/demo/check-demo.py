#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Self-check of the demo snapshot: structural validity, referential consistency, and that every planted
problem listed in README.md is present (with a deliberately small RBAC evaluator). Exit code 1 on failure.

    python3 check-demo.py            # prints counts per kind and the findings
"""
import base64
import collections
import glob
import json
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CLUSTER_SCOPED = {"Namespace", "Node", "ClusterRole", "ClusterRoleBinding"}
NAMESPACED = {"ServiceAccount", "Secret", "ConfigMap", "Role", "RoleBinding", "Pod", "Deployment", "StatefulSet",
              "DaemonSet"}
API_VERSION = {"Namespace": "v1", "Node": "v1", "ServiceAccount": "v1", "Secret": "v1", "ConfigMap": "v1",
               "Pod": "v1", "Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1",
               "Role": "rbac.authorization.k8s.io/v1", "ClusterRole": "rbac.authorization.k8s.io/v1",
               "RoleBinding": "rbac.authorization.k8s.io/v1", "ClusterRoleBinding": "rbac.authorization.k8s.io/v1"}
CLUSTER_SCOPED_RESOURCES = {"nodes", "namespaces", "persistentvolumes", "clusterroles", "clusterrolebindings",
                            "customresourcedefinitions", "storageclasses", "certificatesigningrequests"}

errors = []


def fail(msg):
    errors.append(msg)


def load():
    objs = []
    for f in sorted(glob.glob(os.path.join(HERE, "*.yaml"))):
        with open(f) as fh:
            for d in yaml.safe_load_all(fh):
                if not d:
                    continue
                if d.get("kind") == "List":
                    if d.get("apiVersion") != "v1":
                        fail("%s: List with apiVersion %r" % (f, d.get("apiVersion")))
                    objs.extend((os.path.basename(f), o) for o in d.get("items") or [])
                else:
                    objs.append((os.path.basename(f), d))
    return objs


def key(o):
    m = o["metadata"]
    return (o["kind"], m.get("namespace"), m["name"])


def main():
    objs = load()
    counts = collections.Counter(o["kind"] for _, o in objs)
    by_key = {}
    uids = collections.Counter()
    for f, o in objs:
        k = o.get("kind")
        m = o.get("metadata") or {}
        if not o.get("apiVersion") or not k or not m.get("name"):
            fail("%s: missing apiVersion/kind/name: %r" % (f, (o.get("apiVersion"), k, m.get("name"))))
            continue
        if API_VERSION.get(k) != o["apiVersion"]:
            fail("%s: unexpected kind/apiVersion %s %s" % (f, k, o["apiVersion"]))
        if k in NAMESPACED and not m.get("namespace"):
            fail("%s: namespaced %s/%s without namespace" % (f, k, m["name"]))
        if k in CLUSTER_SCOPED and m.get("namespace"):
            fail("%s: cluster-scoped %s/%s with namespace" % (f, k, m["name"]))
        if "kubectl.kubernetes.io/last-applied-configuration" in (m.get("annotations") or {}):
            fail("%s: last-applied annotation on %s" % (f, key(o)))
        if key(o) in by_key:
            fail("duplicate %s" % (key(o),))
        by_key[key(o)] = o
        if m.get("uid"):
            uids[m["uid"]] += 1
    for u, c in uids.items():
        if c > 1:
            fail("duplicate uid %s" % u)

    namespaces = {n for (k, _, n) in by_key if k == "Namespace"}
    for (k, ns, n) in by_key:
        if ns and ns not in namespaces:
            fail("%s %s/%s: namespace does not exist" % (k, ns, n))
    sas = {(ns, n): o for (k, ns, n), o in by_key.items() if k == "ServiceAccount"}
    for ns in namespaces:
        if (ns, "default") not in sas:
            fail("namespace %s has no default ServiceAccount" % ns)
    secrets = {(ns, n): o for (k, ns, n), o in by_key.items() if k == "Secret"}
    roles = {(ns, n): o for (k, ns, n), o in by_key.items() if k == "Role"}
    croles = {n: o for (k, ns, n), o in by_key.items() if k == "ClusterRole"}
    pods = [o for (k, ns, n), o in by_key.items() if k == "Pod"]

    # ---- aggregation (one level is enough here, but iterate to a fixpoint anyway)
    def labels_match(sel, labels):
        return all((labels or {}).get(a) == b for a, b in sel.get("matchLabels", {}).items())

    eff = {n: list(o.get("rules") or []) for n, o in croles.items()}
    changed = True
    while changed:
        changed = False
        for n, o in croles.items():
            ar = o.get("aggregationRule")
            if not ar:
                continue
            acc = []
            for sel in ar.get("clusterRoleSelectors") or []:
                for n2, o2 in croles.items():
                    if n2 != n and labels_match(sel, o2["metadata"].get("labels")):
                        for r in eff[n2]:
                            if r not in acc:
                                acc.append(r)
            if acc != eff[n]:
                eff[n] = acc
                changed = True

    def rules_of(binding):
        ref = binding["roleRef"]
        if ref["kind"] == "ClusterRole":
            return eff.get(ref["name"])
        r = roles.get((binding["metadata"]["namespace"], ref["name"]))
        return None if r is None else r.get("rules") or []

    # ---- subjects -> grants: list of (scope namespace or None for cluster, rules, binding key)
    grants = collections.defaultdict(list)
    missing_sa, missing_role, cross_ns, nodes_via_rb = [], [], [], []
    for (k, ns, n), b in by_key.items():
        if k not in ("RoleBinding", "ClusterRoleBinding"):
            continue
        rules = rules_of(b)
        if rules is None:
            missing_role.append("%s %s -> %s %s" % (k, (ns + "/" if ns else "") + n, b["roleRef"]["kind"],
                                                   b["roleRef"]["name"]))
            rules = []
        for s in b.get("subjects") or []:
            if s["kind"] != "ServiceAccount":
                continue
            sns = s.get("namespace") or ns
            if (sns, s["name"]) not in sas:
                missing_sa.append("%s %s -> ServiceAccount %s/%s" % (k, (ns + "/" if ns else "") + n, sns, s["name"]))
            if k == "RoleBinding" and sns != ns:
                cross_ns.append("RoleBinding %s/%s -> ServiceAccount %s/%s" % (ns, n, sns, s["name"]))
            grants[(sns, s["name"])].append((ns if k == "RoleBinding" else None, rules, (k, ns, n)))
        if k == "RoleBinding" and b["roleRef"]["kind"] == "Role":  # reusing a ClusterRole is the normal pattern
            for r in rules:
                if set(r.get("resources") or []) & CLUSTER_SCOPED_RESOURCES:
                    nodes_via_rb.append("RoleBinding %s/%s grants %s" % (
                        ns, n, sorted(set(r["resources"]) & CLUSTER_SCOPED_RESOURCES)))

    def allows(rule, verb, group, resource):
        return ((verb in rule.get("verbs", []) or "*" in rule.get("verbs", []))
                and (group in rule.get("apiGroups", []) or "*" in rule.get("apiGroups", []))
                and (resource in rule.get("resources", []) or "*" in rule.get("resources", [])))

    def can(sa, verb, group, resource, ns=None):
        """ns None = cluster-wide (needs a ClusterRoleBinding)."""
        for scope, rules, _ in grants.get(sa, []):
            if scope is not None and scope != ns:
                continue
            if ns is None and scope is not None:
                continue
            if any(allows(r, verb, group, resource) for r in rules):
                return True
        return False

    sa_keys = sorted(sas)
    findings = collections.OrderedDict()
    findings["ServiceAccount bound to cluster-admin (ClusterRoleBinding)"] = [
        "%s/%s" % sa for sa in sa_keys if any(b[0] == "ClusterRoleBinding" and by_key[b]["roleRef"]["name"] ==
                                            "cluster-admin" for _, _, b in grants.get(sa, []))]
    findings["full wildcard (* * *) via a binding"] = sorted({
        "%s/%s via %s %s" % (sa[0], sa[1], b[0], (b[1] + "/" if b[1] else "") + b[2])
        for sa in sa_keys for _, rules, b in grants.get(sa, [])
        if any(r.get("verbs") == ["*"] and r.get("resources") == ["*"] and r.get("apiGroups") == ["*"]
               for r in rules)})
    findings["can read secrets cluster-wide (list)"] = ["%s/%s" % sa for sa in sa_keys
                                                        if can(sa, "list", "", "secrets")]
    findings["can create pods in kube-system"] = ["%s/%s" % sa for sa in sa_keys
                                                  if can(sa, "create", "", "pods", "kube-system")
                                                  or can(sa, "create", "", "pods")]
    findings["can impersonate (cluster-wide)"] = ["%s/%s" % sa for sa in sa_keys
                                                  if any(can(sa, "impersonate", "", r)
                                                         for r in ("users", "groups", "serviceaccounts"))]
    findings["can bind or escalate (cluster-wide)"] = ["%s/%s" % sa for sa in sa_keys
                                                       if any(can(sa, v, "rbac.authorization.k8s.io", r)
                                                              for v in ("bind", "escalate")
                                                              for r in ("clusterroles", "roles"))]
    findings["bindings to a missing ServiceAccount"] = missing_sa
    findings["bindings to a missing role"] = missing_role
    findings["RoleBinding subject from another namespace"] = cross_ns
    findings["RoleBinding granting cluster-scoped resources (no effect)"] = nodes_via_rb

    def automount_on(sa):
        v = sas[sa].get("automountServiceAccountToken")
        return v is None or v is True

    findings["default SA with bindings and automount on"] = [
        "%s/default" % ns for ns in sorted(namespaces) if grants.get((ns, "default")) and automount_on((ns, "default"))]
    findings["default SA with bindings, automount off (negative control)"] = [
        "%s/default" % ns for ns in sorted(namespaces)
        if grants.get((ns, "default")) and not automount_on((ns, "default"))]

    used = set()
    default_pods = []
    for p in pods:
        ns = p["metadata"]["namespace"]
        sa = p["spec"].get("serviceAccountName")
        if sa:
            used.add((ns, sa))
            if (ns, sa) not in sas:
                fail("pod %s/%s uses missing SA %s" % (ns, p["metadata"]["name"], sa))
        if sa == "default":
            if any(v["name"].startswith("kube-api-access-") for v in p["spec"].get("volumes", [])):
                default_pods.append("%s/%s" % (ns, p["metadata"]["name"]))
        for v in p["spec"].get("volumes", []):
            pr = v.get("projected")
            if v["name"].startswith("kube-api-access-"):
                src = pr["sources"][0]["serviceAccountToken"]
                if src.get("expirationSeconds") != 3607:
                    fail("pod %s: kube-api-access expirationSeconds != 3607" % p["metadata"]["name"])
    for (k, ns, n), o in by_key.items():
        if k in ("Deployment", "StatefulSet", "DaemonSet"):
            ps = o["spec"]["template"]["spec"]
            used.add((ns, ps.get("serviceAccountName") or "default"))
    findings["pods running as a default SA with a token"] = default_pods
    findings["ServiceAccounts without any Pod or workload (excluding default SAs)"] = [
        "%s/%s" % sa for sa in sa_keys if sa not in used and sa[1] != "default"]

    # ---- legacy tokens
    tokens = []
    for (ns, n), s in sorted(secrets.items()):
        if s.get("type") != "kubernetes.io/service-account-token":
            continue
        ann = s["metadata"].get("annotations") or {}
        lab = s["metadata"].get("labels") or {}
        sa = (ns, ann.get("kubernetes.io/service-account.name"))
        state = []
        if sa not in sas:
            state.append("ORPHAN")
        else:
            if ann.get("kubernetes.io/service-account.uid") != sas[sa]["metadata"]["uid"]:
                fail("token %s/%s uid annotation does not match SA uid" % (ns, n))
            auto = any(x.get("name") == n for x in sas[sa].get("secrets") or [])
            state.append("auto" if auto else "manual")
        mounted = [p["metadata"]["name"] for p in pods if p["metadata"]["namespace"] == ns and any(
            (v.get("secret") or {}).get("secretName") == n for v in p["spec"].get("volumes", []))]
        if mounted:
            state.append("mounted by " + ",".join(mounted))
        for lk in ("kubernetes.io/legacy-token-last-used", "kubernetes.io/legacy-token-invalid-since"):
            if lk in lab:
                state.append(lk.split("/")[1] + "=" + lab[lk])
        tok = base64.b64decode(s["data"]["token"]).decode()
        h, c, sig = tok.split(".")
        pad = lambda x: x + "=" * (-len(x) % 4)  # noqa: E731
        header = json.loads(base64.urlsafe_b64decode(pad(h)))
        claims = json.loads(base64.urlsafe_b64decode(pad(c)))
        if header != {"alg": "RS256", "kid": "demo-key-1"}:
            fail("token %s/%s: header %r" % (ns, n, header))
        if claims["sub"] != "system:serviceaccount:%s:%s" % sa or claims["iss"] != "kubernetes/serviceaccount" \
                or claims["kubernetes.io/serviceaccount/secret.name"] != n:
            fail("token %s/%s: claims %r" % (ns, n, claims))
        if base64.b64decode(s["data"]["namespace"]).decode() != ns:
            fail("token %s/%s: data.namespace" % (ns, n))
        tokens.append("%s/%s -> SA %s [%s]" % (ns, n, sa[1], ", ".join(state)))
    for (ns, n), sa in sas.items():
        for x in sa.get("secrets") or []:
            if (ns, x["name"]) not in secrets:
                fail("SA %s/%s lists missing Secret %s" % (ns, n, x["name"]))
    findings["legacy token Secrets"] = tokens

    # ---- aggregated payments-operator must contain secrets but not namespaces/delete
    po = eff.get("payments-operator") or []
    if not any(allows(r, "get", "", "secrets") for r in po) or any(allows(r, "delete", "", "namespaces") for r in po):
        fail("aggregation of payments-operator is wrong: %r" % po)

    # ---- planted expectations (keep in sync with README.md)
    expect = {
        "ServiceAccount bound to cluster-admin (ClusterRoleBinding)": {"legacy-apps/jenkins"},
        "can read secrets cluster-wide (list)": {"legacy-apps/config-sync"},
        "can create pods in kube-system": {"payments/deployer"},
        "can impersonate (cluster-wide)": {"team-a/access-broker"},
        "can bind or escalate (cluster-wide)": {"kube-system/namespace-provisioner"},
        "default SA with bindings and automount on": {"team-a/default", "legacy-apps/default"},
        "default SA with bindings, automount off (negative control)": {"payments/default"},
        "ServiceAccounts without any Pod or workload (excluding default SAs)": {"team-a/report-generator"},
    }
    for title, names in expect.items():
        got = set(findings[title])
        if not names <= got:
            fail("expected %s in %r, got %r" % (sorted(names - got), title, sorted(got)))
    for needle, title in [("payments/metrics-scraper", "bindings to a missing ServiceAccount"),
                          ("audit-log-reader", "bindings to a missing role"),
                          ("kube-system/payments-deployer", "RoleBinding subject from another namespace"),
                          ("team-a/node-inspector", "RoleBinding granting cluster-scoped resources (no effect)"),
                          ("team-a/ci-runner", "full wildcard (* * *) via a binding"),
                          ("team-a/tiller", "full wildcard (* * *) via a binding"),
                          ("default/hello-web-", "pods running as a default SA with a token"),
                          ("team-a/frontend-", "pods running as a default SA with a token"),
                          ("legacy-apps/inventory-", "pods running as a default SA with a token"),
                          ("old-ci-token -> SA old-ci [ORPHAN", "legacy token Secrets"),
                          ("jenkins-token-4kq9z -> SA jenkins [auto, mounted by jenkins-0", "legacy token Secrets")]:
        if not any(needle in x for x in findings[title]):
            fail("expected %r in %r" % (needle, title))
    if not (by_key.get(("ServiceAccount", "team-a", "ci-runner"), {}).get("metadata", {}).get("annotations") or {}).get(
            "eks.amazonaws.com/role-arn"):
        fail("team-a/ci-runner lacks the eks role-arn annotation")
    cm = by_key.get(("ConfigMap", "kube-system", "kube-apiserver-legacy-service-account-token-tracking"))
    if not cm or cm["data"].get("since") != "2025-01-15":
        fail("tracking ConfigMap missing or wrong")

    total = sum(os.path.getsize(f) for f in glob.glob(os.path.join(HERE, "*.yaml")))
    print("objects per kind:", dict(sorted(counts.items(), key=lambda kv: -kv[1])), "total", sum(counts.values()))
    print("YAML bytes:", total)
    for title, items in findings.items():
        print("\n== %s (%d)" % (title, len(items)))
        for x in items:
            print("   ", x)
    if errors:
        print("\nFAILED:")
        for e in errors:
            print("  -", e)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
