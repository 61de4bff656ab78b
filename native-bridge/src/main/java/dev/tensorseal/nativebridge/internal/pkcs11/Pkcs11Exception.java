package dev.tensorseal.nativebridge.internal.pkcs11;

import dev.tensorseal.nativebridge.NativeException;
import java.util.Map;

/** A PKCS#11 call returned something other than {@code CKR_OK}; the message names the call and the {@code CKR_} code. */
public final class Pkcs11Exception extends NativeException {
    private static final long serialVersionUID = 1L;

    static final long CKR_OK = 0;
    static final long CKR_ATTRIBUTE_SENSITIVE = 0x11;
    static final long CKR_MECHANISM_INVALID = 0x70;
    static final long CKR_USER_ALREADY_LOGGED_IN = 0x100;
    static final long CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;

    private static final Map<Long, String> NAMES = Map.ofEntries(
            Map.entry(0x1L, "CKR_CANCEL"), Map.entry(0x2L, "CKR_HOST_MEMORY"), Map.entry(0x3L, "CKR_SLOT_ID_INVALID"),
            Map.entry(0x5L, "CKR_GENERAL_ERROR"), Map.entry(0x6L, "CKR_FUNCTION_FAILED"), Map.entry(0x7L, "CKR_ARGUMENTS_BAD"),
            Map.entry(0x10L, "CKR_ATTRIBUTE_READ_ONLY"), Map.entry(0x11L, "CKR_ATTRIBUTE_SENSITIVE"),
            Map.entry(0x12L, "CKR_ATTRIBUTE_TYPE_INVALID"), Map.entry(0x13L, "CKR_ATTRIBUTE_VALUE_INVALID"),
            Map.entry(0x20L, "CKR_DATA_INVALID"), Map.entry(0x21L, "CKR_DATA_LEN_RANGE"), Map.entry(0x30L, "CKR_DEVICE_ERROR"),
            Map.entry(0x31L, "CKR_DEVICE_MEMORY"), Map.entry(0x32L, "CKR_DEVICE_REMOVED"),
            Map.entry(0x40L, "CKR_ENCRYPTED_DATA_INVALID"), Map.entry(0x41L, "CKR_ENCRYPTED_DATA_LEN_RANGE"),
            Map.entry(0x54L, "CKR_FUNCTION_NOT_SUPPORTED"), Map.entry(0x60L, "CKR_KEY_HANDLE_INVALID"),
            Map.entry(0x62L, "CKR_KEY_SIZE_RANGE"), Map.entry(0x63L, "CKR_KEY_TYPE_INCONSISTENT"),
            Map.entry(0x68L, "CKR_KEY_FUNCTION_NOT_PERMITTED"), Map.entry(0x6AL, "CKR_KEY_UNEXTRACTABLE"),
            Map.entry(0x70L, "CKR_MECHANISM_INVALID"), Map.entry(0x71L, "CKR_MECHANISM_PARAM_INVALID"),
            Map.entry(0x82L, "CKR_OBJECT_HANDLE_INVALID"), Map.entry(0x90L, "CKR_OPERATION_ACTIVE"),
            Map.entry(0xA0L, "CKR_PIN_INCORRECT"), Map.entry(0xA1L, "CKR_PIN_INVALID"), Map.entry(0xA2L, "CKR_PIN_LEN_RANGE"),
            Map.entry(0xA3L, "CKR_PIN_EXPIRED"), Map.entry(0xA4L, "CKR_PIN_LOCKED"), Map.entry(0xB3L, "CKR_SESSION_HANDLE_INVALID"),
            Map.entry(0xD1L, "CKR_TEMPLATE_INCONSISTENT"), Map.entry(0xE0L, "CKR_TOKEN_NOT_PRESENT"),
            Map.entry(0xE1L, "CKR_TOKEN_NOT_RECOGNIZED"), Map.entry(0xE2L, "CKR_TOKEN_WRITE_PROTECTED"),
            Map.entry(0x100L, "CKR_USER_ALREADY_LOGGED_IN"), Map.entry(0x101L, "CKR_USER_NOT_LOGGED_IN"),
            Map.entry(0x102L, "CKR_USER_PIN_NOT_INITIALIZED"), Map.entry(0x110L, "CKR_WRAPPED_KEY_INVALID"),
            Map.entry(0x112L, "CKR_WRAPPED_KEY_LEN_RANGE"), Map.entry(0x113L, "CKR_WRAPPING_KEY_HANDLE_INVALID"),
            Map.entry(0x115L, "CKR_WRAPPING_KEY_TYPE_INCONSISTENT"), Map.entry(0x150L, "CKR_BUFFER_TOO_SMALL"),
            Map.entry(0x190L, "CKR_CRYPTOKI_NOT_INITIALIZED"), Map.entry(0x191L, "CKR_CRYPTOKI_ALREADY_INITIALIZED"));

    private final long rv;
    private final boolean refusedSecret;

    Pkcs11Exception(String function, long rv) {
        this(function, rv, rv == 0x40 || rv == 0x41 || rv == 0x110 || rv == 0x112);
    }

    private Pkcs11Exception(String function, long rv, boolean refusedSecret) {
        super(function, (int) rv, name(rv));
        this.rv = rv;
        this.refusedSecret = refusedSecret;
    }

    /**
     * Checks the result of an unwrap or decrypt of data from outside the token: SoftHSM2 (through OpenSSL) reports
     * a failed key-wrap integrity check as {@code CKR_GENERAL_ERROR}, others as {@code CKR_WRAPPED_KEY_INVALID} or
     * {@code CKR_ENCRYPTED_DATA_INVALID}; all of these mean the wrapped bytes are not what this key wrapped.
     */
    static void checkUnwrap(String function, long rv) {
        if (rv != CKR_OK) {
            boolean refused = rv == 0x5 || rv == 0x6 || rv == 0x40 || rv == 0x41 || rv == 0x110 || rv == 0x112;
            throw new Pkcs11Exception(function, rv, refused);
        }
    }

    /** The symbolic name of a {@code CK_RV} ({@code CKR_PIN_INCORRECT}), or its hex value when unknown. */
    public static String name(long rv) {
        String n = NAMES.get(rv);
        return n != null ? n : "CKR 0x" + Long.toHexString(rv);
    }

    static void check(String function, long rv) {
        if (rv != CKR_OK) {
            throw new Pkcs11Exception(function, rv);
        }
    }

    /** The raw {@code CK_RV}. */
    public long rv() {
        return rv;
    }

    /** True when the token refused the secret it was given (a wrong wrapped key or ciphertext, or a wrong KEK). */
    public boolean isIntegrityFailure() {
        return refusedSecret;
    }

    /** True for a wrong, locked or expired PIN. */
    public boolean isPinFailure() {
        return rv >= 0xA0 && rv <= 0xA4;
    }
}
