package dev.tensorseal.vectors;

/** What a published case expects of a correct implementation. */
public enum Expected {
    /** The inputs are well formed and the stated output is correct. */
    VALID,
    /** The case must be rejected (NIST {@code FAIL}, Wycheproof {@code invalid}). */
    INVALID,
    /** Wycheproof {@code acceptable}: rejecting is fine; accepting must give the stated output. */
    ACCEPTABLE;

    static Expected ofWycheproof(String result) throws MalformedVectorsException {
        return switch (result) {
            case "valid" -> VALID;
            case "invalid" -> INVALID;
            case "acceptable" -> ACCEPTABLE;
            default -> throw new MalformedVectorsException("unknown Wycheproof result '" + result + "'");
        };
    }
}
