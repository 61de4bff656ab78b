package dev.tensorseal.internal.store;

/**
 * The one rule for the name of a new tensor, applied by every way a tensor is created (put, device seal, the
 * importers through put), so that every name survives a save, an export to safetensors and a re-import: not empty,
 * no control characters (the importers' {@code order} metadata is newline-separated, and names are printed), no
 * unpaired surrogate (it would not survive UTF-8), and not {@code __metadata__} (safetensors' own header key).
 */
public final class TensorNames {
    /** The key safetensors reserves for its string map; a tensor of this name cannot be written to a safetensors header. */
    public static final String SAFETENSORS_METADATA = "__metadata__";

    private TensorNames() {}

    /**
     * Throws {@link IllegalArgumentException} saying what is wrong with {@code name} (shown with control characters
     * escaped) if a new tensor may not have it.
     */
    public static void check(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** What is wrong with {@code name} as a new tensor's name, or null if nothing is. */
    public static String problem(String name) {
        if (name.isEmpty()) {
            return "tensor name must not be empty";
        }
        if (name.equals(SAFETENSORS_METADATA)) {
            return "tensor name '" + SAFETENSORS_METADATA + "' is reserved: safetensors uses it for its metadata map";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                return "tensor name '" + printable(name) + "' has a control character (U+" + hex(c) + ") at index " + i
                        + ": names must not contain line breaks or other control characters";
            }
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "tensor name '" + printable(name) + "' has an unpaired surrogate (U+" + hex(c) + ") at index " + i
                        + ": it is not valid Unicode and would not survive UTF-8";
            }
        }
        return null;
    }

    /** {@code name} with control characters and lone surrogates as {@code \\uXXXX}, safe to print on one line. */
    public static String printable(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1));
            if (Character.isISOControl(c) || (Character.isSurrogate(c) && !pair)) {
                b.append("\\u").append(hex(c));
            } else {
                b.append(c);
                if (pair) {
                    b.append(name.charAt(++i));
                }
            }
        }
        return b.toString();
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }
}
