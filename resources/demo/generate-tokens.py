#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate 40-tokens.yaml: legacy ServiceAccount token Secrets for the RBAC Explorer demo snapshot.

ALL TOKEN VALUES ARE FAKE DEMO VALUES. The JWTs are well formed (header {"alg":"RS256","kid":"demo-key-1"},
legacy claims as written by the kube-controller-manager tokens controller) but the signature segment is
random bytes: no key can verify them and they grant nothing anywhere. The CA certificate is a real
self-signed certificate (CN=kubernetes) whose private key was discarded when it was created.

Run after build-demo.py (ServiceAccount uids are read from the other *.yaml files in this directory):
    python3 generate-tokens.py
Deterministic: the same input produces the same file.
"""
import base64
import glob
import json
import os
import random
import uuid

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "40-tokens.yaml")
RNG = random.Random(4096)

CA_CRT = """-----BEGIN CERTIFICATE-----
MIIC+jCCAeKgAwIBAgIUFaIeAcHt7pLHvsrymljv3z/XugowDQYJKoZIhvcNAQEL
BQAwFTETMBEGA1UEAwwKa3ViZXJuZXRlczAeFw0yNDEyMDIwNzU1MDBaFw0zNDEx
MzAwODAwMDBaMBUxEzARBgNVBAMMCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEB
AQUAA4IBDwAwggEKAoIBAQCUHuLXXAZlheWwuG+3Qsi12XnINV7kvHRXBTWwPXQy
BNJpMRbGqCtKUoKmCySdLC39rNhrHU1037zvYpcli7hg3Jz7DnxgahHQ74+Ba9ts
ZtOtexgWZuHtjIgna0ScfBz3HtcTAguHsNBkMfGvqmxh2yhHGHLqPBBHEkASXUOJ
IxMFB7CJAbHaCHGMfBe649AoeASrQi75ce1WWkvx/J5Hj2a/54cKgaC2dNF4rTEf
f3SAhF0wKhSzYVinwtepKitTCqkuvhkYHNd55yJeSL5qyI9B29/b46qX0WD9Uc/d
miiWpOGTHHXrp+jDyYoIJgnq4pzdmmqg6Fr+cUErrJcvAgMBAAGjQjBAMA4GA1Ud
DwEB/wQEAwICpDAPBgNVHRMBAf8EBTADAQH/MB0GA1UdDgQWBBTLLGqVrlWLD1ei
9l1FbnfbWE+QnjANBgkqhkiG9w0BAQsFAAOCAQEAJ0lKhuzZA75tf+AQEyfI/EPM
StvIDzJTeVZNPl8exlWSnrEHRnOUsvCHB5DfW9kM6PQK9dSqacTl9/TiGAZldflD
JcvSmlmda2P6dbN4tJxEOOC3l1QfATkORSfOqLhg82vNiOzsYVWEQV0IlqHqXDVi
14HsXBk2pxBROiqa5U3TMJzFfvJcud0a1trltUj1bkSVoVx7xrR2noHEl+5PNZxW
9IpUNmNH8GDq1evEF9lLwrOb37uJkydUkkMDSkIYVRPIx9kZiugizoYY6zWAltKE
X5CKWhWoRm0PldEW0UtQ0EE7RM1DAxmIMiVzwGwXLrEtJn5NaoZIyVKYgGc4XQ==
-----END CERTIFICATE-----
"""

VELERO = {"velero.io/backup-name": "old-cluster-final-20241202",
          "velero.io/restore-name": "old-cluster-final-20241202-20241203101200"}

# (id, namespace, secret name, SA name, created, last-used label, invalid-since label, extra labels, comment)
# "auto" vs "manual" is decided by the SA's `secrets:` list (see build-demo.py), not here.
TOKENS = [
    ("T1", "legacy-apps", "jenkins-token-4kq9z", "jenkins", "2024-12-03T10:13:05Z", "2026-11-28", None, VELERO,
     "auto-generated (listed in SA jenkins .secrets), in daily use, mounted by pod jenkins-0 -> exempt from the\n"
     "cleaner. SA jenkins is cluster-admin (P5): a never-expiring cluster-admin credential."),
    ("T2", "legacy-apps", "default-token-8xw2m", "default", "2024-12-03T10:12:11Z", None, "2026-01-16", VELERO,
     "auto-generated, never used since tracking began (2025-01-15) -> invalidated by the cleaner on its first\n"
     "possible run (since + 1 day + 1 year = 2026-01-16); deletion due ~2027-01-16 if still unused."),
    ("T3", "team-a", "default-token-r7t5n", "default", "2024-12-03T10:12:06Z", "2025-03-10", "2026-03-11", VELERO,
     "auto-generated, last used 2025-03-10 -> invalidated one year later (2026-03-11)."),
    ("T4", "legacy-apps", "config-sync-token-p2v6c", "config-sync", "2024-12-03T10:13:04Z", "2026-06-14",
     "2026-01-16", VELERO,
     "auto-generated, invalidated 2026-01-16, but presented again on 2026-06-14 (rejected with 401; the\n"
     "last-used label is still refreshed). Someone still has this token."),
    ("T5", "payments", "deployer-token-5hdlm", "deployer", "2026-02-20T15:41:09Z", None, None, None,
     "listed in SA deployer .secrets (so the cleaner treats it as auto-generated) but younger than one year:\n"
     "not yet eligible (eligible from 2027-02-20). Never used."),
    ("T6", "team-a", "ci-runner-token", "ci-runner", "2025-04-02T08:03:51Z", "2026-11-29", None, None,
     "manual (not in .secrets): never cleaned, never expires; used today; SA has a cluster-wide wildcard role."),
    ("T7", "team-a", "report-generator-token", "report-generator", "2025-08-19T10:02:44Z", None, None, None,
     "manual, never used; belongs to the unused SA report-generator (P13)."),
    ("T8", "payments", "payments-api-token", "payments-api", "2026-11-10T12:18:30Z", "2026-11-25", None, None,
     "manual, recent, in use (although the pods opt out of token automount)."),
    ("T9", "kube-system", "namespace-provisioner-token", "namespace-provisioner", "2025-01-20T16:41:12Z",
     "2025-05-02", None, None,
     "manual, stale (last used 2025-05-02) but manual tokens are never invalidated by the cleaner; SA can\n"
     "bind/escalate (P9)."),
    ("T10", "legacy-apps", "old-ci-token", "old-ci", "2025-02-11T09:30:00Z", "2025-09-30", None, None,
     "ORPHAN: ServiceAccount legacy-apps/old-ci does not exist (deleted); uid annotation is the deleted SA's."),
]


def b64(b):
    if isinstance(b, str):
        b = b.encode()
    return base64.b64encode(b).decode()


def b64url(b):
    if isinstance(b, str):
        b = b.encode()
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def fake_jwt(ns, secret, sa, sa_uid):
    header = {"alg": "RS256", "kid": "demo-key-1"}
    claims = {
        "iss": "kubernetes/serviceaccount",
        "kubernetes.io/serviceaccount/namespace": ns,
        "kubernetes.io/serviceaccount/secret.name": secret,
        "kubernetes.io/serviceaccount/service-account.name": sa,
        "kubernetes.io/serviceaccount/service-account.uid": sa_uid,
        "sub": "system:serviceaccount:%s:%s" % (ns, sa),
    }
    sig = bytes(RNG.getrandbits(8) for _ in range(256))  # FAKE: random bytes, not a signature
    return ".".join([b64url(json.dumps(header, separators=(",", ":"))),
                     b64url(json.dumps(claims, separators=(",", ":"), sort_keys=True)), b64url(sig)])


def load_service_accounts():
    sas = {}
    for f in sorted(glob.glob(os.path.join(HERE, "*.yaml"))):
        if os.path.basename(f) == os.path.basename(OUT):
            continue
        with open(f) as fh:
            for d in yaml.safe_load_all(fh):
                if not d:
                    continue
                for o in (d.get("items") or []) if d.get("kind") == "List" else [d]:
                    if o.get("kind") == "ServiceAccount":
                        sas[(o["metadata"]["namespace"], o["metadata"]["name"])] = o
    return sas


def main():
    sas = load_service_accounts()
    docs = []
    for tid, ns, name, sa, created, last_used, invalid_since, extra_labels, comment in TOKENS:
        sa_obj = sas.get((ns, sa))
        if sa_obj is None:
            sa_uid = str(uuid.uuid5(uuid.NAMESPACE_URL, "rbac-explorer-demo/ServiceAccount/%s/%s" % (ns, sa)))
        else:
            sa_uid = sa_obj["metadata"]["uid"]
        labels = dict(extra_labels or {})
        if last_used:
            labels["kubernetes.io/legacy-token-last-used"] = last_used
        if invalid_since:
            labels["kubernetes.io/legacy-token-invalid-since"] = invalid_since
        m = {"name": name, "namespace": ns,
             "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, "rbac-explorer-demo/Secret/%s/%s" % (ns, name))),
             "creationTimestamp": created}
        if labels:
            m["labels"] = labels
        m["annotations"] = {"kubernetes.io/service-account.name": sa, "kubernetes.io/service-account.uid": sa_uid}
        obj = {"apiVersion": "v1", "kind": "Secret", "metadata": m, "type": "kubernetes.io/service-account-token",
               "data": {"ca.crt": b64(CA_CRT), "namespace": b64(ns), "token": b64(fake_jwt(ns, name, sa, sa_uid))}}
        referenced = sa_obj is not None and any(s.get("name") == name for s in sa_obj.get("secrets") or [])
        kind = "orphan" if sa_obj is None else ("auto-generated (in SA .secrets)" if referenced else "manual")
        docs.append((tid, kind, comment, obj))

    class NoAlias(yaml.SafeDumper):
        def ignore_aliases(self, data):
            return True

    with open(OUT, "w") as f:
        f.write("# Legacy ServiceAccount token Secrets (type kubernetes.io/service-account-token).\n"
                "#\n"
                "# !!! ALL TOKEN VALUES IN THIS FILE ARE FAKE DEMO VALUES !!!\n"
                "# The JWTs are well formed but carry a random signature segment: they cannot be verified and grant\n"
                "# nothing anywhere. ca.crt is a throw-away self-signed CA whose private key no longer exists.\n"
                "#\n"
                "# Generated by generate-tokens.py (deterministic). Reference date of the snapshot: 2026-11-29.\n"
                "# Tracking start (ConfigMap kube-system/kube-apiserver-legacy-service-account-token-tracking): 2025-01-15.\n"
                "# Cleaner period: default 1 year.\n")
        for tid, kind, comment, obj in docs:
            f.write("---\n# %s [%s]\n" % (tid, kind))
            f.write("".join("# " + line + "\n" for line in comment.split("\n")))
            f.write(yaml.dump(obj, Dumper=NoAlias, sort_keys=False, default_flow_style=False, width=120))
    print("wrote", OUT, len(docs), "Secrets")


if __name__ == "__main__":
    main()
