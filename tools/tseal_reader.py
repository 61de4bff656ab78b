#!/usr/bin/env python3
"""An independent reader of .tseal files, written from FORMAT.md alone (no project code).

usage: tseal_reader.py FILE.tseal (--key-file KEY | --passphrase-file FILE | --identity FILE) --expect EXPECTED.safetensors

Checks the key check value, the header MAC, the total length and that padding bytes are zero, unwraps every data key (RFC 5649),
rebuilds each chunk's AAD and nonce, decrypts every chunk with AES-256-GCM, and compares the tensors
(names, dtypes, shapes, bytes) with the expected safetensors file. Exit 0 when all match, 1 otherwise.
"""
import argparse
import hashlib
import hmac
import json
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap_with_padding

MAGIC = b"TSEAL\x00\r\n"
TAG = 16


class Bad(Exception):
    pass


class Cursor:
    def __init__(self, buf, pos):
        self.buf, self.pos = buf, pos

    def take(self, n):
        if n < 0 or self.pos + n > len(self.buf):
            raise Bad(f"header field of {n} bytes at {self.pos} runs past the header")
        b = self.buf[self.pos:self.pos + n]
        self.pos += n
        return b

    def u16(self):
        return struct.unpack("<H", self.take(2))[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def str(self):
        return self.take(self.u32()).decode("utf-8")


def hkdf(master, salt, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(master)


def labeled_extract(hash_, suite, salt, label, ikm):
    return hmac.new(salt, b"HPKE-v1" + suite + label + ikm, hash_).digest()


def labeled_expand(hash_, suite, prk, label, info, length):
    from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
    algorithm = hashes.SHA256() if hash_ == "sha256" else hashes.SHA384()
    labeled = struct.pack(">H", length) + b"HPKE-v1" + suite + label + info
    return HKDFExpand(algorithm=algorithm, length=length, info=labeled).derive(prk)


# RFC 9180 KEM id -> (curve, KEM hash, Nsecret); KDF id -> hash
KEMS = {0x0020: ("x25519", "sha256", 32), 0x0010: ("p256", "sha256", 32), 0x0011: ("p384", "sha384", 48)}
KDFS = {0x0001: "sha256", 0x0002: "sha384"}


def hpke_keys(kem, sk):
    """(private key object, SerializePublicKey(pk(sk))) for a serialized private key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, x25519
    if KEMS[kem][0] == "x25519":
        key = x25519.X25519PrivateKey.from_private_bytes(sk)
        pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    else:
        curve = ec.SECP256R1() if KEMS[kem][0] == "p256" else ec.SECP384R1()
        key = ec.derive_private_key(int.from_bytes(sk, "big"), curve)
        pub = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return key, pub


def hpke_open_base(kem, kdf, aead, sk, enc, info, aad, ct):
    """RFC 9180 single-shot Open in base mode (DHKEM, HKDF, AES-256-GCM only)."""
    from cryptography.hazmat.primitives.asymmetric import ec, x25519
    if kem not in KEMS or kdf not in KDFS or aead != 0x0002:
        raise Bad(f"HPKE suite ({kem}, {kdf}, {aead}) not supported")
    curve, kem_hash, n_secret = KEMS[kem]
    key, pk_rm = hpke_keys(kem, sk)
    if curve == "x25519":
        dh = key.exchange(x25519.X25519PublicKey.from_public_bytes(enc))
    else:
        dh = key.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(key.curve, enc))
    kem_suite = b"KEM" + struct.pack(">H", kem)
    eae_prk = labeled_extract(kem_hash, kem_suite, b"", b"eae_prk", dh)
    shared = labeled_expand(kem_hash, kem_suite, eae_prk, b"shared_secret", enc + pk_rm, n_secret)
    h = KDFS[kdf]
    suite = b"HPKE" + struct.pack(">HHH", kem, kdf, aead)
    context = b"\x00" + labeled_extract(h, suite, b"", b"psk_id_hash", b"") + labeled_extract(h, suite, b"", b"info_hash", info)
    secret = labeled_extract(h, suite, shared, b"secret", b"")
    key_ = labeled_expand(h, suite, secret, b"key", context, 32)
    nonce = labeled_expand(h, suite, secret, b"base_nonce", context, 12)
    from cryptography.exceptions import InvalidTag
    try:
        return AESGCM(key_).decrypt(nonce, ct, aad)
    except InvalidTag:
        raise Bad("recipient entry does not open")


def open_recipients(c, file_id, identity):
    """Parses the recipient list at the cursor and opens the identity's HPKE entry: the master secret."""
    if identity is None:
        raise Bad("file sealed to recipients: give an identity")
    if identity[:8] != b"TSEALID1":
        raise Bad("not an identity file")
    kem, kdf, aead, n = struct.unpack_from("<HHHH", identity, 8)
    sk = identity[16:16 + n]
    _, mine = hpke_keys(kem, sk)
    if c.take(1) != b"\x01" or c.take(3) != b"\0\0\0":
        raise Bad("recipient list version")
    master = None
    for _ in range(c.u32()):
        kind = c.u16()
        body = Cursor(c.take(c.u32()), 0)
        if kind != 1:
            continue
        ids = (body.u16(), body.u16(), body.u16())
        pk, enc, ct = body.take(body.u16()), body.take(body.u16()), body.take(body.u16())
        if ids == (kem, kdf, aead) and pk == mine and master is None:
            master = hpke_open_base(kem, kdf, aead, sk, enc, b"tensorseal v1 recipient master secret", file_id, ct)
    if master is None:
        raise Bad("wrong key: the identity is not a recipient")
    return master


def field(b):
    return struct.pack(">I", len(b)) + b


def read(path, key_bytes=None, passphrase=None, identity=None):
    data = open(path, "rb").read()
    if data[:8] != MAGIC:
        raise Bad("bad magic")
    version, h = struct.unpack_from("<II", data, 8)
    if version != 2:
        raise Bad(f"version {version}")
    if not (120 <= h <= 64 << 20 and h <= len(data) - 32) or (h + 32) % 4096:
        raise Bad(f"header length {h} out of bounds")
    file_id = data[16:32]
    total = struct.unpack_from("<Q", data, 32)[0]
    kdf = data[40]
    if data[41:44] != b"\0\0\0":
        raise Bad("reserved bytes not zero")
    mem_kib, iters, lanes = struct.unpack_from("<III", data, 44)
    salt = data[56:72]
    key_check = data[72:104]
    key_check_salt = data[104:120]
    c = Cursor(data[:h], 120)
    if kdf == 2:
        if data[44:72] != bytes(28):
            raise Bad("Argon2id fields set in a file sealed to recipients")
        master = open_recipients(c, file_id, identity)
    elif kdf == 0:
        if key_bytes is None or len(key_bytes) != 32:
            raise Bad("file sealed under a raw key: give a 32-byte key file")
        master = key_bytes
    elif kdf == 1:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
        if passphrase is None:
            raise Bad("file sealed under a passphrase: give a passphrase")
        master = Argon2id(salt=salt, length=32, iterations=iters, lanes=lanes, memory_cost=mem_kib).derive(passphrase)
    else:
        raise Bad(f"key derivation kind {kdf}")
    if not hmac.compare_digest(hkdf(master, key_check_salt, b"tensorseal v2 file key check"), key_check):
        raise Bad("wrong key")
    mac_key = hkdf(master, file_id, b"tensorseal v1 file header mac")
    if not hmac.compare_digest(hmac.new(mac_key, data[:h], hashlib.sha256).digest(), data[h:h + 32]):
        raise Bad("header MAC mismatch (header edited)")
    if total != len(data):
        raise Bad(f"total length {total} != file size {len(data)}")
    kek = hkdf(master, file_id, b"tensorseal v1 data-key wrapping key")

    metadata = {}
    for _ in range(c.u32()):
        k = c.str()
        metadata[k] = c.str()
    keys = []
    for _ in range(c.u32()):
        key_id = c.take(16)
        wrapped = c.take(c.u16())
        keys.append((key_id, aes_key_unwrap_with_padding(kek, wrapped)))
    tensors = {}
    previous_end = h + 32
    for _ in range(c.u32()):
        tensor_id = c.take(16)
        name = c.str()
        dtype = c.str()
        shape = [c.u64() for _ in range(c.u32())]
        chunk_size = c.u32()
        offset = c.u64()
        count = c.u64()
        chunks = [(c.u32(), c.u64()) for _ in range(count)]
        size = ELEMENT_BYTES[dtype]
        for d in shape:
            size *= d
        if count != -(-size // chunk_size):
            raise Bad(f"{name}: chunk count {count} for {size} bytes")
        stride = chunk_size + TAG
        if offset < previous_end or any(data[previous_end:offset]):
            raise Bad(f"{name}: data at {offset} overlaps, or the gap before it is not zero")
        previous_end = offset + (count and (count - 1) * stride + min(chunk_size, size - (count - 1) * chunk_size) + TAG)
        prefix = (field(struct.pack(">I", 1)) + field(tensor_id) + field(name.encode("utf-8"))
                  + field(dtype.encode("ascii")) + field(b"".join(struct.pack(">Q", d) for d in shape))
                  + field(struct.pack(">Q", chunk_size)))
        out = bytearray()
        for i, (key_index, generation) in enumerate(chunks):
            key_id, dek = keys[key_index]
            n = min(chunk_size, size - i * chunk_size)
            at = offset + i * stride
            sealed = data[at:at + n + TAG]
            aad = prefix + field(struct.pack(">I", i)) + field(struct.pack(">Q", count)) + field(key_id) \
                + field(struct.pack(">Q", generation))
            nonce = struct.pack(">IQ", i, generation)
            try:
                out += AESGCM(dek).decrypt(nonce, bytes(sealed), aad)
            except Exception:
                raise Bad(f"tensor '{name}' chunk {i} does not authenticate")
        tensors[name] = (dtype, shape, bytes(out))
    if any(data[c.pos:h]):
        raise Bad("header padding not zero")
    if any(data[previous_end:]):
        raise Bad(f"bytes after the last tensor (from {previous_end}) are not zero")
    return metadata, tensors


ELEMENT_BYTES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
                 "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8}


def safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack_from("<Q", data, 0)[0]
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    base = 8 + n
    return {k: (v["dtype"], v["shape"], data[base + v["data_offsets"][0]:base + v["data_offsets"][1]])
            for k, v in header.items()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--key-file")
    p.add_argument("--passphrase-file")
    p.add_argument("--identity")
    p.add_argument("--expect", required=True)
    a = p.parse_args()
    key = open(a.key_file, "rb").read() if a.key_file else None
    phrase = open(a.passphrase_file, "rb").read().rstrip(b"\n") if a.passphrase_file else None
    try:
        identity = open(a.identity, "rb").read() if a.identity else None
        metadata, tensors = read(a.file, key, phrase, identity)
    except Bad as e:
        print(f"{a.file}: FAIL: {e}")
        return 1
    expected = safetensors(a.expect)
    got = {k: v for k, v in tensors.items()}
    if set(got) != set(expected):
        print(f"{a.file}: FAIL: tensors {sorted(got)} != expected {sorted(expected)}")
        return 1
    for name, (dtype, shape, b) in expected.items():
        if got[name] != (dtype, shape, b):
            print(f"{a.file}: FAIL: tensor '{name}' differs from the expected one")
            return 1
    print(f"{a.file}: ok: {len(got)} tensors, {sum(len(v[2]) for v in got.values())} bytes match "
          f"(source {metadata.get('source')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
