package dev.tensorseal.nativebridge.internal.pkcs11;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.tensorseal.nativebridge.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token in a PKCS#11 module, found by label (and serial), and what tensorseal asks of it: log in, find or make
 * a key-encryption key that never leaves it, wrap a fresh secret, and unwrap one straight into native memory the
 * caller owns. Modules are loaded and {@code C_Initialize}d once per path for the life of the JVM
 * ({@code CKF_OS_LOCKING_OK}: the module locks for itself, sessions are used by one thread each).
 */
public final class Pkcs11Token {
    /** How a secret is wrapped by the token's key-encryption key. */
    public enum Wrapping {
        /** RFC 5649 key wrap with padding (PKCS#11 3.0 {@code CKM_AES_KEY_WRAP_KWP}). */
        AES_KEY_WRAP_KWP(0x210BL, "CKM_AES_KEY_WRAP_KWP"),
        /** RFC 3394 key wrap ({@code CKM_AES_KEY_WRAP}); a 32-byte secret needs no padding. */
        AES_KEY_WRAP(0x2109L, "CKM_AES_KEY_WRAP"),
        /** AES-GCM encryption ({@code CKM_AES_GCM}, 12-byte IV, 128-bit tag) where the token has no key wrap. */
        AES_GCM(0x1087L, "CKM_AES_GCM");

        final long ckm;
        private final String ckmName;

        Wrapping(long ckm, String ckmName) {
            this.ckm = ckm;
            this.ckmName = ckmName;
        }

        /** The {@code CKM_} name, as the wrapped-key file records it. */
        public String ckmName() {
            return ckmName;
        }

        /** The wrapping called {@code ckmName}, or null. */
        public static Wrapping named(String ckmName) {
            for (Wrapping w : values()) {
                if (w.ckmName.equals(ckmName)) {
                    return w;
                }
            }
            return null;
        }
    }

    /** The protection attributes of a key object. */
    public record KeyFlags(boolean sensitive, boolean extractable, boolean alwaysSensitive, boolean neverExtractable) {}

    static final long CKA_CLASS = 0x0, CKA_TOKEN = 0x1, CKA_PRIVATE = 0x2, CKA_LABEL = 0x3, CKA_VALUE = 0x11;
    static final long CKA_KEY_TYPE = 0x100, CKA_SENSITIVE = 0x103, CKA_ENCRYPT = 0x104, CKA_DECRYPT = 0x105;
    static final long CKA_WRAP = 0x106, CKA_UNWRAP = 0x107, CKA_VALUE_LEN = 0x161, CKA_EXTRACTABLE = 0x162;
    static final long CKA_NEVER_EXTRACTABLE = 0x164, CKA_ALWAYS_SENSITIVE = 0x165;
    static final long CKO_SECRET_KEY = 0x4, CKK_AES = 0x1F, CKM_AES_KEY_GEN = 0x1080;
    static final long CKF_RW_SESSION = 0x2, CKF_SERIAL_SESSION = 0x4, CKU_USER = 1, CKF_OS_LOCKING_OK = 0x2;
    static final long CKF_ENCRYPT = 0x100, CKF_DECRYPT = 0x200, CKF_WRAP = 0x20000, CKF_UNWRAP = 0x40000;
    private static final int GCM_TAG_BITS = 128;

    private static final Map<Path, Cryptoki> MODULES = new ConcurrentHashMap<>();

    private final Cryptoki ck;
    private final long slot;
    private final String label;

    private Pkcs11Token(Cryptoki ck, long slot, String label) {
        this.ck = ck;
        this.slot = slot;
        this.label = label;
    }

    /**
     * The one token in {@code module} whose label is {@code tokenLabel} and serial {@code serial} (either null:
     * any); exactly one must match.
     */
    public static Pkcs11Token find(Path module, String tokenLabel, String serial) {
        Cryptoki ck = MODULES.computeIfAbsent(module.toAbsolutePath().normalize(), Pkcs11Token::initialise);
        List<Pkcs11Token> matches = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_LONG);
            Pkcs11Exception.check("C_GetSlotList", ck.C_GetSlotList(true, MemorySegment.NULL, count));
            long n = count.get(JAVA_LONG, 0);
            MemorySegment slots = arena.allocate(JAVA_LONG, Math.max(1, n));
            Pkcs11Exception.check("C_GetSlotList", ck.C_GetSlotList(true, slots, count));
            MemorySegment info = arena.allocate(208, 8); // sizeof(CK_TOKEN_INFO) on LP64
            for (long i = 0; i < count.get(JAVA_LONG, 0); i++) {
                long slot = slots.getAtIndex(JAVA_LONG, i);
                Pkcs11Exception.check("C_GetTokenInfo", ck.C_GetTokenInfo(slot, info));
                String l = padded(info, 0, 32);
                String s = padded(info, 80, 16);
                seen.add("'" + l + "' (serial " + s + ")");
                if ((tokenLabel == null || tokenLabel.equals(l)) && (serial == null || serial.equals(s))) {
                    matches.add(new Pkcs11Token(ck, slot, l));
                }
            }
        }
        if (matches.size() != 1) {
            String want = (tokenLabel == null ? "any token" : "token '" + tokenLabel + "'") + (serial == null ? "" : " serial " + serial);
            throw new NativeException("PKCS#11 module " + module + ": " + matches.size() + " tokens match " + want
                    + " (present: " + (seen.isEmpty() ? "none" : String.join(", ", seen)) + ")", null);
        }
        return matches.get(0);
    }

    private static Cryptoki initialise(Path module) {
        Cryptoki ck = new Cryptoki(module);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment args = arena.allocate(48, 8); // CK_C_INITIALIZE_ARGS: four mutex callbacks, flags, pReserved
            args.set(JAVA_LONG, 32, CKF_OS_LOCKING_OK);
            long rv = ck.C_Initialize(args);
            if (rv != Pkcs11Exception.CKR_CRYPTOKI_ALREADY_INITIALIZED) { // another library in this process did it
                Pkcs11Exception.check("C_Initialize", rv);
            }
        }
        return ck;
    }

    private static String padded(MemorySegment info, long offset, int bytes) {
        byte[] b = info.asSlice(offset, bytes).toArray(ValueLayout.JAVA_BYTE);
        return new String(b, StandardCharsets.UTF_8).stripTrailing();
    }

    /** The token's label. */
    public String label() {
        return label;
    }

    /** Whether the token offers {@code w} for wrapping and unwrapping (or encrypting and decrypting, for GCM). */
    public boolean supports(Wrapping w) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(24, 8); // CK_MECHANISM_INFO: min, max key size, flags
            long rv = ck.C_GetMechanismInfo(slot, w.ckm, info);
            if (rv == Pkcs11Exception.CKR_MECHANISM_INVALID) {
                return false;
            }
            Pkcs11Exception.check("C_GetMechanismInfo", rv);
            long flags = info.get(JAVA_LONG, 16);
            long need = w == Wrapping.AES_GCM ? CKF_ENCRYPT | CKF_DECRYPT : CKF_WRAP | CKF_UNWRAP;
            return (flags & need) == need;
        }
    }

    /** Opens a read-write session and logs the user in with {@code pin} (its bytes are not kept). */
    public Session login(MemorySegment pin) {
        long session;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = arena.allocate(JAVA_LONG);
            Pkcs11Exception.check("C_OpenSession", ck.C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, h));
            session = h.get(JAVA_LONG, 0);
        }
        Session s = new Session(session);
        try {
            long rv = ck.C_Login(session, CKU_USER, pin);
            if (rv != Pkcs11Exception.CKR_USER_ALREADY_LOGGED_IN) { // login state is per application, not per session
                Pkcs11Exception.check("C_Login", rv);
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** A logged-in session, for one thread at a time. */
    public final class Session implements AutoCloseable {
        private final long handle;
        private boolean closed;

        private Session(long handle) {
            this.handle = handle;
        }

        /** The one secret key labelled {@code keyLabel}. */
        public long findSecretKey(String keyLabel) {
            try (Arena arena = Arena.ofConfined()) {
                Template t = new Template(arena).ulong(CKA_CLASS, CKO_SECRET_KEY).utf8(CKA_LABEL, keyLabel);
                Pkcs11Exception.check("C_FindObjectsInit", ck.C_FindObjectsInit(handle, t.build(), t.count()));
                MemorySegment found = arena.allocate(JAVA_LONG, 2);
                MemorySegment n = arena.allocate(JAVA_LONG);
                try {
                    Pkcs11Exception.check("C_FindObjects", ck.C_FindObjects(handle, found, 2, n));
                } finally {
                    ck.C_FindObjectsFinal(handle);
                }
                long count = n.get(JAVA_LONG, 0);
                if (count != 1) {
                    throw new NativeException("token '" + label + "' has " + (count == 0 ? "no" : "more than one")
                            + " secret key labelled '" + keyLabel + "'", null);
                }
                return found.get(JAVA_LONG, 0);
            }
        }

        /**
         * Makes a persistent AES-256 key-encryption key labelled {@code keyLabel} inside the token: sensitive and
         * not extractable, so its value can never be read out, only used to wrap, unwrap, encrypt and decrypt.
         */
        public long generateKek(String keyLabel) {
            try (Arena arena = Arena.ofConfined()) {
                Template t = new Template(arena).ulong(CKA_CLASS, CKO_SECRET_KEY).ulong(CKA_KEY_TYPE, CKK_AES)
                        .ulong(CKA_VALUE_LEN, 32).utf8(CKA_LABEL, keyLabel).bool(CKA_TOKEN, true).bool(CKA_PRIVATE, true)
                        .bool(CKA_SENSITIVE, true).bool(CKA_EXTRACTABLE, false).bool(CKA_WRAP, true).bool(CKA_UNWRAP, true)
                        .bool(CKA_ENCRYPT, true).bool(CKA_DECRYPT, true);
                return generate(arena, t);
            }
        }

        private long generate(Arena arena, Template t) {
            MemorySegment mech = mechanism(arena, CKM_AES_KEY_GEN, MemorySegment.NULL);
            MemorySegment key = arena.allocate(JAVA_LONG);
            Pkcs11Exception.check("C_GenerateKey", ck.C_GenerateKey(handle, mech, t.build(), t.count(), key));
            return key.get(JAVA_LONG, 0);
        }

        /** {@code key}'s protection attributes, as the token reports them. */
        public KeyFlags flags(long key) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment v = arena.allocate(4);
                Template t = new Template(arena).segment(CKA_SENSITIVE, v.asSlice(0, 1)).segment(CKA_EXTRACTABLE, v.asSlice(1, 1))
                        .segment(CKA_ALWAYS_SENSITIVE, v.asSlice(2, 1)).segment(CKA_NEVER_EXTRACTABLE, v.asSlice(3, 1));
                Pkcs11Exception.check("C_GetAttributeValue", ck.C_GetAttributeValue(handle, key, t.build(), t.count()));
                return new KeyFlags(v.get(ValueLayout.JAVA_BYTE, 0) != 0, v.get(ValueLayout.JAVA_BYTE, 1) != 0,
                        v.get(ValueLayout.JAVA_BYTE, 2) != 0, v.get(ValueLayout.JAVA_BYTE, 3) != 0);
            }
        }

        /**
         * Asks the token for {@code key}'s {@code CKA_VALUE} into a scratch buffer (zeroed before it is freed) and
         * returns the token's answer ({@code CKR_ATTRIBUTE_SENSITIVE} for a key that never leaves it): the check
         * that a key-encryption key is not readable.
         */
        public String valueReadStatus(long key) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment scratch = arena.allocate(64);
                Template t = new Template(arena).segment(CKA_VALUE, scratch);
                long rv = ck.C_GetAttributeValue(handle, key, t.build(), t.count());
                scratch.fill((byte) 0);
                return rv == Pkcs11Exception.CKR_OK ? "CKR_OK" : Pkcs11Exception.name(rv);
            }
        }

        /** {@code bytes} random bytes from the token. */
        public byte[] random(int bytes) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(bytes);
                Pkcs11Exception.check("C_GenerateRandom", ck.C_GenerateRandom(handle, out));
                return out.toArray(ValueLayout.JAVA_BYTE);
            }
        }

        /**
         * Makes a fresh 32-byte secret inside the token and returns it wrapped by {@code kek}; the secret itself never
         * enters this process. For GCM, {@code iv} (12 bytes) and {@code aad} bind the ciphertext; else they are unused.
         */
        public byte[] wrapNewSecret(long kek, Wrapping w, byte[] iv, byte[] aad) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment outLen = arena.allocate(JAVA_LONG);
                MemorySegment out = arena.allocate(256);
                outLen.set(JAVA_LONG, 0, out.byteSize());
                if (w == Wrapping.AES_GCM) {
                    // Token encryption of a token-made random secret: random bytes pass through native memory only.
                    MemorySegment secret = arena.allocate(32);
                    try {
                        Pkcs11Exception.check("C_GenerateRandom", ck.C_GenerateRandom(handle, secret));
                        Pkcs11Exception.check("C_EncryptInit", ck.C_EncryptInit(handle, gcm(arena, iv, aad), kek));
                        Pkcs11Exception.check("C_Encrypt", ck.C_Encrypt(handle, secret, out, outLen));
                    } finally {
                        secret.fill((byte) 0);
                    }
                } else {
                    Template t = new Template(arena).ulong(CKA_CLASS, CKO_SECRET_KEY).ulong(CKA_KEY_TYPE, CKK_AES)
                            .ulong(CKA_VALUE_LEN, 32).bool(CKA_TOKEN, false).bool(CKA_SENSITIVE, true).bool(CKA_EXTRACTABLE, true);
                    long fresh = generate(arena, t);
                    try {
                        Pkcs11Exception.check("C_WrapKey", ck.C_WrapKey(handle, mechanism(arena, w.ckm, MemorySegment.NULL),
                                kek, fresh, out, outLen));
                    } finally {
                        ck.C_DestroyObject(handle, fresh);
                    }
                }
                return out.asSlice(0, outLen.get(JAVA_LONG, 0)).toArray(ValueLayout.JAVA_BYTE);
            }
        }

        /**
         * Unwraps {@code wrapped} with {@code kek} inside the token and writes the 32-byte secret into {@code out}
         * (native memory the caller owns and zeroes). Key wrap unwraps into a session object that is read once and
         * destroyed; GCM decrypts into a native scratch that is zeroed.
         *
         * @throws Pkcs11Exception whose {@link Pkcs11Exception#isIntegrityFailure()} is true for a wrong wrapped secret
         */
        public void unwrapSecret(long kek, Wrapping w, byte[] iv, byte[] aad, byte[] wrapped, MemorySegment out) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment in = arena.allocate(Math.max(1, wrapped.length));
                MemorySegment.copy(wrapped, 0, in, ValueLayout.JAVA_BYTE, 0, wrapped.length);
                in = in.asSlice(0, wrapped.length);
                MemorySegment scratch = arena.allocate(256);
                MemorySegment len = arena.allocate(JAVA_LONG);
                len.set(JAVA_LONG, 0, scratch.byteSize());
                try {
                    if (w == Wrapping.AES_GCM) {
                        Pkcs11Exception.check("C_DecryptInit", ck.C_DecryptInit(handle, gcm(arena, iv, aad), kek));
                        Pkcs11Exception.checkUnwrap("C_Decrypt", ck.C_Decrypt(handle, in, scratch, len));
                    } else {
                        Template t = new Template(arena).ulong(CKA_CLASS, CKO_SECRET_KEY).ulong(CKA_KEY_TYPE, CKK_AES)
                                .bool(CKA_TOKEN, false).bool(CKA_SENSITIVE, false).bool(CKA_EXTRACTABLE, true);
                        MemorySegment key = arena.allocate(JAVA_LONG);
                        Pkcs11Exception.checkUnwrap("C_UnwrapKey", ck.C_UnwrapKey(handle, mechanism(arena, w.ckm, MemorySegment.NULL),
                                kek, in, t.build(), t.count(), key));
                        long k = key.get(JAVA_LONG, 0);
                        try {
                            Template v = new Template(arena).segment(CKA_VALUE, scratch);
                            MemorySegment a = v.build();
                            Pkcs11Exception.check("C_GetAttributeValue", ck.C_GetAttributeValue(handle, k, a, 1));
                            len.set(JAVA_LONG, 0, a.get(JAVA_LONG, 16));
                        } finally {
                            ck.C_DestroyObject(handle, k);
                        }
                    }
                    long n = len.get(JAVA_LONG, 0);
                    if (n != out.byteSize()) {
                        throw new NativeException("token '" + label + "' unwrapped " + n + " bytes, expected " + out.byteSize(), null);
                    }
                    MemorySegment.copy(scratch, 0, out, 0, n);
                } finally {
                    scratch.fill((byte) 0);
                }
            }
        }

        private MemorySegment gcm(Arena arena, byte[] iv, byte[] aad) {
            MemorySegment ivSeg = arena.allocateFrom(ValueLayout.JAVA_BYTE, iv);
            MemorySegment aadSeg = arena.allocateFrom(ValueLayout.JAVA_BYTE, aad);
            MemorySegment p = arena.allocate(48, 8); // CK_GCM_PARAMS: pIv, ulIvLen, ulIvBits, pAAD, ulAADLen, ulTagBits
            p.set(ADDRESS, 0, ivSeg);
            p.set(JAVA_LONG, 8, iv.length);
            p.set(JAVA_LONG, 16, iv.length * 8L);
            p.set(ADDRESS, 24, aadSeg);
            p.set(JAVA_LONG, 32, aad.length);
            p.set(JAVA_LONG, 40, GCM_TAG_BITS);
            return mechanism(arena, Wrapping.AES_GCM.ckm, p);
        }

        private static MemorySegment mechanism(Arena arena, long type, MemorySegment params) {
            MemorySegment m = arena.allocate(24, 8); // CK_MECHANISM: mechanism, pParameter, ulParameterLen
            m.set(JAVA_LONG, 0, type);
            m.set(ADDRESS, 8, params);
            m.set(JAVA_LONG, 16, params.byteSize());
            return m;
        }

        /** Closes the session (the token logs the application out when its last session closes). Idempotent. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                ck.C_CloseSession(handle);
            }
        }
    }
}
