package dev.tensorseal.internal.tseal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The temporary files an atomic write creates beside its target, which may hold plaintext (an export). Each is
 * named {@code .TARGET.PID.RANDOM.tmp} after the process that creates it. Live ones are deleted by a shutdown
 * hook, so an error, SIGTERM or SIGINT leaves none; a SIGKILL runs no code, so every later write into the
 * same folder first deletes the temporary files whose creating process is gone. The CLI also keeps the local copy
 * of a model it uploads here ({@code seal -o s3://}), in the temporary-files folder.
 */
public final class TempFiles {
    private static final Pattern NAME = Pattern.compile("\\..+\\.(\\d{1,19})\\.[0-9a-f]{16}\\.tmp");
    private static final long PID = ProcessHandle.current().pid();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Guarded by itself; {@code null} once the JVM shuts down (no new temporary file may appear then). */
    private static Set<Path> live = new HashSet<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TempFiles::deleteLive, "tensorseal temp-file cleanup"));
    }

    private TempFiles() {}

    /** Creates an empty owner-only temporary file for {@code target} in {@code dir}, first removing stale ones. */
    public static Path create(Path dir, String targetName) throws IOException {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        Path tmp = dir.resolve("." + targetName + "." + PID + "." + HexFormat.of().formatHex(random) + ".tmp");
        synchronized (TempFiles.class) {
            if (live == null) {
                throw new IOException("the JVM is shutting down: not starting to write " + dir.resolve(targetName));
            }
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            live.add(tmp);
        }
        removeStale(dir, Files.getOwner(tmp));
        return tmp;
    }

    /** Forgets {@code tmp} after it was renamed into place or deleted. */
    public static void release(Path tmp) {
        synchronized (TempFiles.class) {
            if (live != null) {
                live.remove(tmp);
            }
        }
    }

    /** True when {@code name} is a temporary file of this scheme whose process is no longer running. */
    static boolean isStale(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return false;
        }
        return pid != PID && ProcessHandle.of(pid).isEmpty();
    }

    private static void removeStale(Path dir, java.nio.file.attribute.UserPrincipal owner) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p -> isStale(p.getFileName().toString()))) {
            for (Path p : files) {
                // Only our user's regular files: never a link, never someone else's file in a shared folder.
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        && owner.equals(Files.getOwner(p, LinkOption.NOFOLLOW_LINKS))) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a stale file that cannot be removed now is tried again by the next write.
        }
    }

    private static void deleteLive() {
        Set<Path> paths;
        synchronized (TempFiles.class) {
            paths = live;
            live = null;
        }
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException | RuntimeException e) {
                // Nothing more can be done while the JVM exits; the next write removes it as stale.
            }
        }
    }
}
