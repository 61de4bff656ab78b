package dev.tensorseal.nativebridge.internal.pkcs11;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.tensorseal.nativebridge.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * One PKCS#11 module (a {@code .so} a token vendor ships), bound with FFM through its {@code CK_FUNCTION_LIST}:
 * {@code C_GetFunctionList} is the only exported symbol a module promises, every other function is a pointer in
 * that table. LP64 Linux: {@code CK_ULONG} and handles are 8 bytes, so the table's entries sit at
 * {@code 8 + 8 * index} after the 2-byte {@code CK_VERSION} and its padding (offsets checked against p11-kit's
 * {@code pkcs11.h} with {@code offsetof}). Each method returns the call's raw {@code CK_RV}.
 */
@SuppressWarnings("restricted") // binding a PKCS#11 module is what this class is for
final class Cryptoki {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final FunctionDescriptor RV_1 = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG);

    // CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList);
    private static final FunctionDescriptor C_GetFunctionList = FunctionDescriptor.of(JAVA_LONG, ADDRESS);
    // CK_RV C_Initialize(CK_VOID_PTR pInitArgs);                                                      index 0
    private static final FunctionDescriptor C_Initialize = FunctionDescriptor.of(JAVA_LONG, ADDRESS);
    // CK_RV C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList, CK_ULONG_PTR pulCount);      index 4
    private static final FunctionDescriptor C_GetSlotList = FunctionDescriptor.of(JAVA_LONG, JAVA_BYTE, ADDRESS, ADDRESS);
    // CK_RV C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo);                                index 6
    private static final FunctionDescriptor C_GetTokenInfo = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS);
    // CK_RV C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR pInfo); index 8
    private static final FunctionDescriptor C_GetMechanismInfo = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS);
    // CK_RV C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR pApplication, CK_NOTIFY Notify,
    //                     CK_SESSION_HANDLE_PTR phSession);                                             index 12
    private static final FunctionDescriptor C_OpenSession =
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS);
    // CK_RV C_CloseSession(CK_SESSION_HANDLE hSession);                                                index 13
    // CK_RV C_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen); index 18
    private static final FunctionDescriptor C_Login = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);
    // CK_RV C_CreateObject(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
    //                      CK_OBJECT_HANDLE_PTR phObject);                                              index 20
    private static final FunctionDescriptor C_CreateObject = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS);
    // CK_RV C_DestroyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject);                      index 22
    private static final FunctionDescriptor C_DestroyObject = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG);
    // CK_RV C_GetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate,
    //                           CK_ULONG ulCount);                                                      index 24
    private static final FunctionDescriptor C_GetAttributeValue =
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);
    // CK_RV C_FindObjectsInit(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount);  index 26
    private static final FunctionDescriptor C_FindObjectsInit = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);
    // CK_RV C_FindObjects(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE_PTR phObject, CK_ULONG ulMaxObjectCount,
    //                     CK_ULONG_PTR pulObjectCount);                                                 index 27
    private static final FunctionDescriptor C_FindObjects = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS);
    // CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE hSession);                                            index 28
    // CK_RV C_EncryptInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey); index 29
    private static final FunctionDescriptor C_EncryptInit = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);
    // CK_RV C_Encrypt(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pEncryptedData,
    //                 CK_ULONG_PTR pulEncryptedDataLen);                                            index 30
    private static final FunctionDescriptor C_Encrypt =
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS);
    // CK_RV C_DecryptInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey); index 33
    // CK_RV C_Decrypt(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedData, CK_ULONG ulEncryptedDataLen,
    //                 CK_BYTE_PTR pData, CK_ULONG_PTR pulDataLen);                                  index 34
    // CK_RV C_GenerateKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_ATTRIBUTE_PTR pTemplate,
    //                     CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phKey);                               index 58
    private static final FunctionDescriptor C_GenerateKey =
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    // CK_RV C_WrapKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hWrappingKey,
    //                 CK_OBJECT_HANDLE hKey, CK_BYTE_PTR pWrappedKey, CK_ULONG_PTR pulWrappedKeyLen);    index 60
    private static final FunctionDescriptor C_WrapKey =
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS);
    // CK_RV C_UnwrapKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hUnwrappingKey,
    //                   CK_BYTE_PTR pWrappedKey, CK_ULONG ulWrappedKeyLen, CK_ATTRIBUTE_PTR pTemplate,
    //                   CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE_PTR phKey);                        index 61
    private static final FunctionDescriptor C_UnwrapKey = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG,
            ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS);
    // CK_RV C_GenerateRandom(CK_SESSION_HANDLE hSession, CK_BYTE_PTR RandomData, CK_ULONG ulRandomLen);  index 64
    private static final FunctionDescriptor C_GenerateRandom = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);

    final Path path;
    private final MethodHandle initialize;
    private final MethodHandle getSlotList;
    private final MethodHandle getTokenInfo;
    private final MethodHandle getMechanismInfo;
    private final MethodHandle openSession;
    private final MethodHandle closeSession;
    private final MethodHandle login;
    private final MethodHandle createObject;
    private final MethodHandle destroyObject;
    private final MethodHandle getAttributeValue;
    private final MethodHandle findObjectsInit;
    private final MethodHandle findObjects;
    private final MethodHandle findObjectsFinal;
    private final MethodHandle encryptInit;
    private final MethodHandle encrypt;
    private final MethodHandle decryptInit;
    private final MethodHandle decrypt;
    private final MethodHandle generateKey;
    private final MethodHandle wrapKey;
    private final MethodHandle unwrapKey;
    private final MethodHandle generateRandom;

    /** Loads {@code path} for the life of the JVM (a module stays initialised once used) and reads its table. */
    Cryptoki(Path path) {
        this.path = path;
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new NativeException("cannot load PKCS#11 module " + path + ": " + e.getMessage(), e);
        }
        MemorySegment getList = lib.find("C_GetFunctionList").orElseThrow(() ->
                new NativeException("PKCS#11 module " + path + " has no C_GetFunctionList: not a PKCS#11 module", null));
        MemorySegment table;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            long rv = (long) LINKER.downcallHandle(getList, C_GetFunctionList).invokeExact(out);
            Pkcs11Exception.check("C_GetFunctionList", rv);
            table = out.get(ADDRESS, 0).reinterpret(8 + 8 * 68);
        } catch (Pkcs11Exception e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeException("C_GetFunctionList of " + path + " failed: " + t, t);
        }
        initialize = bind(table, 0, C_Initialize);
        getSlotList = bind(table, 4, C_GetSlotList);
        getTokenInfo = bind(table, 6, C_GetTokenInfo);
        getMechanismInfo = bind(table, 8, C_GetMechanismInfo);
        openSession = bind(table, 12, C_OpenSession);
        closeSession = bind(table, 13, RV_1);
        login = bind(table, 18, C_Login);
        createObject = bind(table, 20, C_CreateObject);
        destroyObject = bind(table, 22, C_DestroyObject);
        getAttributeValue = bind(table, 24, C_GetAttributeValue);
        findObjectsInit = bind(table, 26, C_FindObjectsInit);
        findObjects = bind(table, 27, C_FindObjects);
        findObjectsFinal = bind(table, 28, RV_1);
        encryptInit = bind(table, 29, C_EncryptInit);
        encrypt = bind(table, 30, C_Encrypt);
        decryptInit = bind(table, 33, C_EncryptInit);
        decrypt = bind(table, 34, C_Encrypt);
        generateKey = bind(table, 58, C_GenerateKey);
        wrapKey = bind(table, 60, C_WrapKey);
        unwrapKey = bind(table, 61, C_UnwrapKey);
        generateRandom = bind(table, 64, C_GenerateRandom);
    }

    private MethodHandle bind(MemorySegment table, int index, FunctionDescriptor fd) {
        MemorySegment fn = table.get(ADDRESS, 8L + 8L * index);
        if (fn.address() == 0) {
            throw new NativeException("PKCS#11 module " + path + " lacks function #" + index + " of CK_FUNCTION_LIST", null);
        }
        return LINKER.downcallHandle(fn, fd);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    long C_Initialize(MemorySegment args) {
        try {
            return (long) initialize.invokeExact(args);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_GetSlotList(boolean tokenPresent, MemorySegment list, MemorySegment count) {
        try {
            return (long) getSlotList.invokeExact((byte) (tokenPresent ? 1 : 0), list, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_GetTokenInfo(long slot, MemorySegment info) {
        try {
            return (long) getTokenInfo.invokeExact(slot, info);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_GetMechanismInfo(long slot, long type, MemorySegment info) {
        try {
            return (long) getMechanismInfo.invokeExact(slot, type, info);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_OpenSession(long slot, long flags, MemorySegment session) {
        try {
            return (long) openSession.invokeExact(slot, flags, MemorySegment.NULL, MemorySegment.NULL, session);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_CloseSession(long session) {
        try {
            return (long) closeSession.invokeExact(session);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_Login(long session, long userType, MemorySegment pin) {
        try {
            return (long) login.invokeExact(session, userType, pin, pin.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_CreateObject(long session, MemorySegment template, long count, MemorySegment handle) {
        try {
            return (long) createObject.invokeExact(session, template, count, handle);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_DestroyObject(long session, long object) {
        try {
            return (long) destroyObject.invokeExact(session, object);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_GetAttributeValue(long session, long object, MemorySegment template, long count) {
        try {
            return (long) getAttributeValue.invokeExact(session, object, template, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_FindObjectsInit(long session, MemorySegment template, long count) {
        try {
            return (long) findObjectsInit.invokeExact(session, template, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_FindObjects(long session, MemorySegment handles, long max, MemorySegment count) {
        try {
            return (long) findObjects.invokeExact(session, handles, max, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_FindObjectsFinal(long session) {
        try {
            return (long) findObjectsFinal.invokeExact(session);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_EncryptInit(long session, MemorySegment mechanism, long key) {
        try {
            return (long) encryptInit.invokeExact(session, mechanism, key);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_Encrypt(long session, MemorySegment data, MemorySegment out, MemorySegment outLen) {
        try {
            return (long) encrypt.invokeExact(session, data, data.byteSize(), out, outLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_DecryptInit(long session, MemorySegment mechanism, long key) {
        try {
            return (long) decryptInit.invokeExact(session, mechanism, key);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_Decrypt(long session, MemorySegment data, MemorySegment out, MemorySegment outLen) {
        try {
            return (long) decrypt.invokeExact(session, data, data.byteSize(), out, outLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_GenerateKey(long session, MemorySegment mechanism, MemorySegment template, long count, MemorySegment key) {
        try {
            return (long) generateKey.invokeExact(session, mechanism, template, count, key);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_WrapKey(long session, MemorySegment mechanism, long wrapping, long key, MemorySegment out, MemorySegment outLen) {
        try {
            return (long) wrapKey.invokeExact(session, mechanism, wrapping, key, out, outLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_UnwrapKey(long session, MemorySegment mechanism, long unwrapping, MemorySegment wrapped, MemorySegment template,
            long count, MemorySegment key) {
        try {
            return (long) unwrapKey.invokeExact(session, mechanism, unwrapping, wrapped, wrapped.byteSize(), template, count, key);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long C_GenerateRandom(long session, MemorySegment out) {
        try {
            return (long) generateRandom.invokeExact(session, out, out.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
