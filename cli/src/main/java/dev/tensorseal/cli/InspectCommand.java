package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.tseal.TsealFiles;
import dev.tensorseal.internal.keys.HpkeStanza;
import dev.tensorseal.internal.keys.RecipientStanza;
import dev.tensorseal.internal.tseal.TsealHeader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code tensorseal inspect FILE}: the tensor table; authenticated when a key is given, marked unverified if not. */
final class InspectCommand implements Command {
    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String summary() {
        return "print a .tseal file's tensor table (header verified with a key, marked unverified without)";
    }

    @Override
    public String usage() {
        return "usage: tensorseal inspect IN.tseal [KEY] [--quiet]\n"
                + "Without a key nothing printed is authenticated. With a key the header's MAC is checked (chunks are\n"
                + "not read; use verify for that). The digest line is the SHA-256 of the header and its MAC: pin it with\n"
                + "--expect-digest when opening the file from a URI.\n" + SealedInput.HELP + "\n" + KeyOptions.KEY_HELP;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Set<String> values = new HashSet<>(KeyOptions.EXISTING_OPTIONS);
        values.addAll(SealedInput.OPTIONS);
        Set<String> flags = new HashSet<>(SealedInput.FLAGS);
        flags.add("--quiet");
        Args a = Args.parse(args, values, flags, Map.of("-q", "--quiet"));
        SealedInput in = SealedInput.of(a.single(".tseal file or URI"), a);
        TsealHeader h;
        String digest;
        String status;
        if (KeyOptions.present(a, "--")) {
            try (KeySource key = in.key(a, err)) {
                TsealFiles.Opened o = in.open(key);
                h = o.header();
                digest = HexFormat.of().formatHex(o.headerDigest());
                o.store().close(); // opening verified the key check and the header MAC; the store is not needed
            }
            status = "verified (key check and header MAC match)";
        } else {
            SealedInput.Unverified u = in.unverified();
            h = u.header();
            digest = u.digestHex();
            status = "UNVERIFIED (no key given: nothing below is authenticated)";
        }
        out.println("file:    " + in.name() + " (" + h.totalFileBytes() + " bytes, format " + TsealHeader.VERSION + ", id "
                + HexFormat.of().formatHex(h.fileId()) + ")");
        out.println("header:  " + status);
        out.println("digest:  " + digest + " (SHA-256 of header and MAC)");
        out.println("key:     " + (h.recipients() != null ? "sealed to " + h.recipients().size() + " recipient(s)"
                : h.kdf() == null ? "raw 256-bit key" : "passphrase (Argon2id " + h.kdf().memoryKiB()
                + " KiB, " + h.kdf().iterations() + " passes, " + h.kdf().parallelism() + " lanes)")
                + ", " + h.keys().size() + " data key(s)");
        if (h.recipients() != null) {
            for (int i = 0; i < h.recipients().size(); i++) {
                out.println("recipient: " + recipientText(h.recipients().get(i), i, in.name()));
            }
        }
        out.println("source:  " + h.metadata().getOrDefault("source", "store"));
        out.printf("%-40s %-5s %-20s %14s %7s %10s%n", "tensor", "dtype", "shape", "bytes", "chunks", "chunk size");
        long total = 0;
        long chunks = 0;
        for (TsealHeader.Entry e : h.tensors()) {
            String shape = Arrays.stream(e.info().shape()).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
            out.printf("%-40s %-5s %-20s %14d %7d %10d%n", printable(e.info().name()), e.info().dtype().name(), shape,
                    e.info().byteSize(), e.chunkCount(), e.chunkSizeBytes());
            total += e.info().byteSize();
            chunks += e.chunkCount();
        }
        out.println(h.tensors().size() + " tensors, " + chunks + " chunks, " + total + " bytes of plaintext");
        return 0;
    }

    /** A recipient entry as its public key's text (HPKE) or its type (another wrapping). */
    private static String recipientText(RecipientStanza s, int index, String source) {
        if (s.type() != RecipientStanza.TYPE_HPKE) {
            return "entry of type " + s.type() + " (not HPKE)";
        }
        return HpkeStanza.parse(s, index, source).recipient().text();
    }

    /** A name with control characters shown as {@code ?}: an unverified header must not drive the terminal. */
    private static String printable(String name) {
        return name.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
