#!/usr/bin/env python3
"""Checks an OpenSSF model signing v1.0 signature of a one-file model as model_signing's `verify key` does.

Follows model_signing (sigstore/model-transparency) step by step, with pyca/cryptography only (model_signing and its
sigstore/protobuf dependencies are not installable offline): sign_ec_key.Verifier._verify_bundle (the key hint, the
DSSE PAE signature with the curve's hash), signing.dsse_payload_to_manifest (one subject whose digest is SHA-256 over
the resource digests), then the manifest against the file (a one-file model is the single resource ".").

usage: model_signing_verify.py MODEL_FILE SIGNATURE.sig PUBLIC_KEY.pem   (exit 0 ok, 1 with the reason on stderr)
"""
import base64
import hashlib
import json
import sys

from cryptography import exceptions
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

IN_TOTO = "application/vnd.in-toto+json"


def pae(raw_payload):
    return b" ".join([f"DSSEv1 {len(IN_TOTO)} {IN_TOTO} {len(raw_payload)}".encode("utf-8"), raw_payload])


def verify(model, sig, pub):
    with open(pub, "rb") as f:
        key = serialization.load_pem_public_key(f.read())
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name not in ("secp256r1", "secp384r1", "secp521r1"):
        raise ValueError("only elliptic curve keys P-256, P-384, P-521 are supported")
    digest = {256: hashes.SHA256(), 384: hashes.SHA384(), 521: hashes.SHA512()}[key.curve.key_size]
    with open(sig, "rb") as f:
        bundle = json.load(f)
    if not bundle["mediaType"].startswith("application/vnd.dev.sigstore.bundle"):
        raise ValueError("not a Sigstore bundle: " + bundle["mediaType"])
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    hint = bundle["verificationMaterial"].get("publicKey", {}).get("hint")
    if hint and hint != hashlib.sha256(pem).hexdigest():
        raise ValueError("Key mismatch: the public key hash in the verification material does not match")
    envelope = bundle["dsseEnvelope"]
    if envelope["payloadType"] != IN_TOTO:
        raise ValueError("payloadType " + envelope["payloadType"])
    payload = base64.b64decode(envelope["payload"])
    try:
        key.verify(base64.b64decode(envelope["signatures"][0]["sig"]), pae(payload), ec.ECDSA(digest))
    except exceptions.InvalidSignature:
        raise ValueError("invalid signature")
    statement = json.loads(payload)
    if statement["_type"] != "https://in-toto.io/Statement/v1":
        raise ValueError("not an in-toto v1 statement")
    if statement["predicateType"] != "https://model_signing/signature/v1.0":
        raise ValueError("predicateType " + statement["predicateType"])
    subjects = statement["subject"]
    if len(subjects) != 1:
        raise ValueError(f"Expected only one subject, got {subjects}")
    hasher = hashlib.sha256()
    items = {}
    for resource in statement["predicate"]["resources"]:
        if resource["algorithm"] != "sha256":
            raise ValueError("resource algorithm " + resource["algorithm"])
        hasher.update(bytes.fromhex(resource["digest"]))
        items[resource["name"]] = resource["digest"]
    if hasher.hexdigest() != subjects[0]["digest"]["sha256"]:
        raise ValueError("Manifest is inconsistent: the subject digest does not match the resources")
    with open(model, "rb") as f:
        actual = {".": hashlib.sha256(f.read()).hexdigest()}
    if items != actual:
        raise ValueError(f"Signature mismatch: the file hashes to {actual}, the manifest says {items}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        sys.exit(2)
    try:
        verify(*sys.argv[1:])
    except (ValueError, KeyError) as e:
        print("verification failed: " + str(e), file=sys.stderr)
        sys.exit(1)
    print("ok")
