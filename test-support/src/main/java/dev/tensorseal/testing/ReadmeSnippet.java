package dev.tensorseal.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a README code snippet is what a test runs: the fenced block after {@code <!-- snippet: NAME -->} in the
 * repository's README.md, each line stripped of its trailing {@code //} comment and of indentation, must appear in the
 * test's source in the same order (lines that are only {@code ...}, a closing brace or empty are layout, not code).
 */
public final class ReadmeSnippet {
    private ReadmeSnippet() {}

    /** The snippet's code lines, from the README.md in the nearest folder above {@code from} that has one. */
    public static List<String> lines(Path from, String name) throws IOException {
        Path dir = from.toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("README.md"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no README.md above " + from.toAbsolutePath());
        }
        List<String> readme = Files.readAllLines(dir.resolve("README.md"), StandardCharsets.UTF_8);
        int marker = readme.indexOf("<!-- snippet: " + name + " -->");
        if (marker < 0 || marker + 1 >= readme.size() || !readme.get(marker + 1).startsWith("```")) {
            throw new IllegalStateException("README.md has no fenced block after <!-- snippet: " + name + " -->");
        }
        List<String> code = new ArrayList<>();
        for (int i = marker + 2; i < readme.size() && !readme.get(i).startsWith("```"); i++) {
            String line = normalize(readme.get(i));
            if (!line.isEmpty() && !line.equals("...") && !line.equals("}")) {
                code.add(line);
            }
        }
        return code;
    }

    /**
     * The first snippet line that {@code testSource} lacks (in order), or null when the test runs every line.
     */
    public static String firstMissing(List<String> snippet, Path testSource) throws IOException {
        List<String> source = Files.readAllLines(testSource, StandardCharsets.UTF_8).stream().map(ReadmeSnippet::normalize).toList();
        int at = 0;
        for (String line : snippet) {
            int found = source.subList(at, source.size()).indexOf(line);
            if (found < 0) {
                return line;
            }
            at += found + 1;
        }
        return null;
    }

    private static String normalize(String line) {
        int comment = line.indexOf("//");
        return (comment >= 0 ? line.substring(0, comment) : line).strip();
    }
}
